import { SluiceError } from '@sluice/contracts';

/**
 * The work did not finish within its time limit; its AbortSignal was aborted with this error.
 * `UNAVAILABLE`, so transports answer 503 / gRPC UNAVAILABLE, and marked transient so `retry` may try again.
 */
export class TimeoutError extends SluiceError {
  readonly transient = true;

  constructor(readonly timeoutMs: number) {
    super('UNAVAILABLE', `timed out after ${timeoutMs} ms`);
  }
}

/**
 * A call was refused without being made because the breaker `breaker` is open (or half-open with
 * its one trial call still running). `retryAfterMs` is the time left until the breaker lets a trial
 * call through, when known; transports may send it as `Retry-After`.
 */
export class CircuitOpenError extends SluiceError {
  readonly transient = true;

  constructor(
    readonly breaker: string,
    readonly retryAfterMs: number | undefined,
  ) {
    super('UNAVAILABLE', `circuit breaker ${breaker} is open`);
  }
}

/** A call was made through a breaker after `shutdown()`; it is not retried by default. */
export class BreakerShutDownError extends SluiceError {
  readonly transient = false;

  constructor(readonly breaker: string) {
    super('UNAVAILABLE', `circuit breaker ${breaker} is shut down`);
  }
}

/** Options that cannot work (negative delays, a bad breaker name, a duplicate breaker...): a programming error. */
export class ResilienceOptionsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}
