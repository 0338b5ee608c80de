import { SluiceError, type FieldViolation } from '@sluice/contracts';

/** A crawl specification (extraction fields, scope globs, start URLs) that cannot be used. */
export class CrawlSpecError extends SluiceError {
  constructor(message: string, violations: readonly FieldViolation[] = []) {
    super('INVALID_ARGUMENT', message, violations);
  }
}

/** A host could not be granted a request slot within the wait budget (penalty, rate or concurrency). */
export class HostWaitTimeoutError extends SluiceError {
  /** Marks the error as worth retrying later (read by `@sluice/resilience` classification). */
  readonly transient = true;

  constructor(
    readonly host: string,
    readonly waitedMs: number,
  ) {
    super('UNAVAILABLE', `no request slot for host ${host} within ${waitedMs} ms`);
  }
}
