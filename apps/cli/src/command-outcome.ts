import { EXIT_FAILURE, EXIT_OK } from './errors/cli-errors';

/** What an action reports besides throwing: a run or task that did not succeed exits 1 without an error message. */
export class CommandOutcome {
  exitCode = EXIT_OK;
}

/** A watched run or task: 0 when it succeeded, 1 for any other final status. */
export function exitCodeForStatus(status: string): number {
  return status === 'SUCCEEDED' ? EXIT_OK : EXIT_FAILURE;
}
