/** Exit codes of `sluice`: 0 success, 1 failure (including a run or task that did not succeed), 2 bad usage. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** An error the CLI reports as `error: <message>` plus detail lines, exiting with `exitCode`. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT_FAILURE,
    readonly details: readonly string[] = [],
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Bad arguments: exit code 2, like commander's own usage errors. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, EXIT_USAGE);
  }
}

/** No credentials for the API URL in use. */
export class NotLoggedInError extends CliError {
  constructor(apiUrl: string) {
    super(`not logged in to ${apiUrl}`, EXIT_FAILURE, ['run `sluice login`, or set SLUICE_API_KEY']);
  }
}

/** The gateway could not be reached (DNS, refused connection, timeout, TLS). */
export class ConnectionError extends CliError {
  constructor(url: string, cause: string) {
    super(`cannot reach ${url}: ${cause}`);
  }
}

export interface ProblemViolation {
  readonly path: string;
  readonly message: string;
}

/** An RFC 9457 problem+json answer (or any non-2xx answer) from the gateway. */
export interface Problem {
  readonly status: number;
  readonly title: string;
  readonly detail?: string;
  readonly errors: readonly ProblemViolation[];
  /** the other members of the problem (e.g. `runId` of the active run on a 409) */
  readonly extensions: Readonly<Record<string, unknown>>;
}

export class ApiProblemError extends CliError {
  constructor(readonly problem: Problem) {
    super(
      problem.detail && problem.detail !== problem.title ? `${problem.title}: ${problem.detail}` : problem.title,
      EXIT_FAILURE,
      problem.errors.map((e) => `  ${e.path}: ${e.message}`),
    );
  }

  get status(): number {
    return this.problem.status;
  }
}
