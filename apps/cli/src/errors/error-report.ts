import { ConfigError } from '@sluice/config';
import { ZodError } from 'zod';
import { CliError, EXIT_FAILURE } from './cli-errors';

export interface ErrorReport {
  readonly lines: readonly string[];
  readonly exitCode: number;
}

/** The one place an error becomes stderr lines and an exit code. */
export function reportError(error: unknown): ErrorReport {
  if (error instanceof CliError) return { lines: [`error: ${error.message}`, ...error.details], exitCode: error.exitCode };
  if (error instanceof ConfigError) {
    return { lines: ['error: invalid environment', ...error.problems.map((p) => `  ${p.variable} ${p.message}`)], exitCode: EXIT_FAILURE };
  }
  if (error instanceof ZodError) {
    // only answers from the server are parsed with throwing schemas
    const issue = error.issues[0];
    return { lines: [`error: unexpected answer from the server${issue ? ` at ${issue.path.join('.') || '(root)'}: ${issue.message}` : ''}`], exitCode: EXIT_FAILURE };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { lines: [`error: ${message}`], exitCode: EXIT_FAILURE };
}
