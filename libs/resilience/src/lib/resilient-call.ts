import { neverAborted } from './abortable-sleep';
import type { Breaker } from './breaker';
import { retry } from './retry';
import type { RetryOptions } from './retry-policy';
import { withTimeout } from './with-timeout';

export interface ResilientCallOptions {
  /** The dependency's breaker; without one, the call is only retried and timed out. */
  readonly breaker?: Breaker;
  /** Retry policy; its `signal` is the caller's signal. Without it, one attempt. */
  readonly retry?: RetryOptions;
  /** Time limit of each attempt; default the breaker's `timeoutMs` (no limit without a breaker). */
  readonly timeoutMs?: number;
  /** The caller's signal (instead of `retry.signal`). */
  readonly signal?: AbortSignal;
}

/**
 * retry( breaker( timeout( work ) ) ).
 *
 * Retry is outermost so the breaker sees every attempt: its statistics count real calls to the
 * dependency, and once it opens the remaining attempts are refused without reaching the dependency
 * (the `CircuitOpenError` carries the time until half-open, so retry gives up when that is further
 * away than it may wait). The timeout is innermost so each attempt has its own limit, a slow attempt
 * counts as a breaker failure, and one hung attempt cannot use up the whole retry budget.
 */
export async function resilientCall<T>(work: (signal: AbortSignal) => Promise<T>, options: ResilientCallOptions = {}): Promise<T> {
  const { breaker, timeoutMs } = options;
  const attempt = (signal: AbortSignal): Promise<T> => {
    if (breaker) return breaker.execute(work, { signal, timeoutMs });
    return timeoutMs === undefined ? work(signal) : withTimeout(work, timeoutMs, { signal });
  };
  const signal = options.signal ?? options.retry?.signal ?? neverAborted();
  if (!options.retry) {
    signal.throwIfAborted();
    return attempt(signal);
  }
  return retry(attempt, { ...options.retry, signal });
}
