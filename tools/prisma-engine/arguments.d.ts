// Types for the unit tests in libs/database; the program itself is plain CommonJS.
export interface Datasource {
  url?: string;
  shadowDatabaseUrl?: string;
}
export interface EngineArguments {
  version: boolean;
  datamodels: string[];
  datasource: Datasource;
  cliCommand?: 'can-connect-to-database' | 'create-database' | 'drop-database';
}
export declare const CLI_COMMANDS: readonly string[];
export declare class UsageError extends Error {}
export declare function parseArguments(argv: readonly string[]): EngineArguments;
