import { neverAborted, sleep } from './abortable-sleep';
import { planRetry, resolveRetryPolicy, type RetryOptions } from './retry-policy';

/**
 * Calls `work` until it resolves, waiting a full-jitter exponential backoff (or at least the error's
 * Retry-After) between attempts. Gives up with the last error when the attempts or the time budget
 * run out or `shouldRetry` says no. Aborting `options.signal` stops a wait at once (its timer is
 * cleared) and rejects with `signal.reason`; a running attempt sees the same signal.
 */
export async function retry<T>(work: (signal: AbortSignal, attempt: number) => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const policy = resolveRetryPolicy(options);
  const signal = options.signal ?? neverAborted();
  const startedAt = policy.now();
  let lastError: unknown;
  for (let attempt = 1; attempt <= policy.maxAttempts; attempt++) {
    signal.throwIfAborted();
    try {
      return await work(signal, attempt);
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      lastError = error;
      const decision = planRetry(policy, error, attempt, policy.now() - startedAt);
      if (!decision.retry) throw error;
      options.onRetry?.({ attempt, error, delayMs: decision.delayMs });
      await sleep(decision.delayMs, signal);
    }
  }
  // planRetry refuses a retry after the last attempt, so the loop always returns or throws above.
  throw lastError;
}
