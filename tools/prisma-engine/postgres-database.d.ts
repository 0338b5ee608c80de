// Types for the unit tests in libs/database; the program itself is plain CommonJS.
export interface UrlParts {
  host: string;
  port: string;
  user: string;
  database: string;
}
export interface PrismaError {
  code: string | undefined;
  message: string;
}
export declare function describeUrl(url: string): UrlParts;
export declare function withDatabase(url: string, database: string): string;
export declare function quoteIdentifier(name: string): string;
export declare function prismaErrorFor(error: unknown, url: string): PrismaError;
export declare function canConnect(url: string): Promise<unknown>;
export declare function createDatabase(url: string): Promise<unknown>;
export declare function dropDatabase(url: string): Promise<unknown>;
export declare function emptyDatabase(url: string): Promise<unknown>;
