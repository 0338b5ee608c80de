import { InvalidArgumentError, SluiceError, type FieldViolation } from '@sluice/contracts';

/** A policy, cost or key the limiter cannot use; maps to 400 / INVALID_ARGUMENT. */
export class InvalidRateLimitError extends InvalidArgumentError {
  constructor(message: string, violations: readonly FieldViolation[] = []) {
    super(message, violations);
  }
}

/**
 * A request refused by the limiter; maps to 429 / RESOURCE_EXHAUSTED. `retryAfterMs` is the wait
 * after which the same request would be admitted (if nothing else consumes in between), so the
 * HTTP layer can send `Retry-After`.
 */
export class RateLimitedError extends SluiceError {
  constructor(
    readonly retryAfterMs: number,
    readonly policy: string,
    message = `rate limit "${policy}" exceeded; retry in ${Math.ceil(retryAfterMs / 1000)} s`,
  ) {
    super('RESOURCE_EXHAUSTED', message);
  }
}

/** A Redis call that did not answer within the limiter's command timeout. */
export class RedisCommandTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`Redis did not answer within ${timeoutMs} ms`);
    this.name = 'RedisCommandTimeoutError';
  }
}
