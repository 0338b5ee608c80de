import { fullJitterDelay } from './full-jitter';
import { isTransientError } from './error-classification';
import { ResilienceOptionsError } from './resilience-errors';
import { retryAfterOf } from './retry-after';
import { MAX_TIMER_MS } from './with-timeout';

export interface RetryOptions {
  /** Attempts in all, the first one included. Default 3. */
  readonly maxAttempts?: number;
  /** Ceiling of the first retry's jittered delay; it doubles per retry. Default 100 ms. */
  readonly baseDelayMs?: number;
  /** No single wait is longer than this, Retry-After included. Default 2 000 ms. */
  readonly maxDelayMs?: number;
  /** No retry starts later than this after the first attempt started. Default 10 000 ms. */
  readonly maxElapsedMs?: number;
  /** Stops waiting at once and rejects with `signal.reason`; also passed to every attempt. */
  readonly signal?: AbortSignal;
  /** Whether `error` from attempt `attempt` (1-based) may be retried. Default `isTransientError`. */
  readonly shouldRetry?: (error: unknown, attempt: number) => boolean;
  /** Source of randomness in [0, 1) for the jitter; inject one for deterministic tests. */
  readonly random?: () => number;
  /** Clock in epoch ms, for the budget and HTTP-date Retry-After values. Default `Date.now`. */
  readonly now?: () => number;
  /** Called before each wait, e.g. to log or count retries. */
  readonly onRetry?: (event: RetryEvent) => void;
}

export interface RetryEvent {
  /** The attempt that just failed (1-based). */
  readonly attempt: number;
  readonly error: unknown;
  readonly delayMs: number;
}

export interface RetryPolicy {
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly maxElapsedMs: number;
  readonly shouldRetry: (error: unknown, attempt: number) => boolean;
  readonly random: () => number;
  readonly now: () => number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 3,
  baseDelayMs: 100,
  maxDelayMs: 2_000,
  maxElapsedMs: 10_000,
  shouldRetry: isTransientError,
  random: Math.random,
  now: Date.now,
};

export function resolveRetryPolicy(options: RetryOptions): RetryPolicy {
  const policy: RetryPolicy = {
    maxAttempts: options.maxAttempts ?? DEFAULT_RETRY_POLICY.maxAttempts,
    baseDelayMs: options.baseDelayMs ?? DEFAULT_RETRY_POLICY.baseDelayMs,
    maxDelayMs: options.maxDelayMs ?? DEFAULT_RETRY_POLICY.maxDelayMs,
    maxElapsedMs: options.maxElapsedMs ?? DEFAULT_RETRY_POLICY.maxElapsedMs,
    shouldRetry: options.shouldRetry ?? DEFAULT_RETRY_POLICY.shouldRetry,
    random: options.random ?? DEFAULT_RETRY_POLICY.random,
    now: options.now ?? DEFAULT_RETRY_POLICY.now,
  };
  if (!Number.isInteger(policy.maxAttempts) || policy.maxAttempts < 1 || policy.maxAttempts > 100) {
    throw new ResilienceOptionsError(`maxAttempts must be an integer in [1, 100], got ${policy.maxAttempts}`);
  }
  if (!(policy.baseDelayMs >= 0) || !(policy.maxDelayMs >= policy.baseDelayMs) || policy.maxDelayMs > MAX_TIMER_MS) {
    throw new ResilienceOptionsError('retry needs 0 <= baseDelayMs <= maxDelayMs <= 2^31-1');
  }
  if (!(policy.maxElapsedMs > 0) || !Number.isFinite(policy.maxElapsedMs)) {
    throw new ResilienceOptionsError(`maxElapsedMs must be a positive number, got ${policy.maxElapsedMs}`);
  }
  return policy;
}

export type RetryDecision =
  | { readonly retry: true; readonly delayMs: number }
  | { readonly retry: false; readonly reason: 'attempts' | 'not-retryable' | 'budget' | 'retry-after' };

/**
 * Whether to try again after `attempt` (1-based) failed with `error`, `elapsedMs` after the first
 * attempt started, and how long to wait first. A Retry-After is a floor on the wait; when it does not
 * fit in `maxDelayMs` or in what is left of the budget we give up now instead of calling back before
 * the dependency asked us to or sleeping past the budget.
 */
export function planRetry(policy: RetryPolicy, error: unknown, attempt: number, elapsedMs: number): RetryDecision {
  if (attempt >= policy.maxAttempts) return { retry: false, reason: 'attempts' };
  if (!policy.shouldRetry(error, attempt)) return { retry: false, reason: 'not-retryable' };
  const remainingMs = policy.maxElapsedMs - elapsedMs;
  const jitterMs = fullJitterDelay(attempt - 1, policy.baseDelayMs, policy.maxDelayMs, policy.random);
  const retryAfterMs = retryAfterOf(error, policy.now());
  if (retryAfterMs !== undefined) {
    if (retryAfterMs > policy.maxDelayMs || retryAfterMs > remainingMs) return { retry: false, reason: 'retry-after' };
    return { retry: true, delayMs: Math.max(jitterMs, retryAfterMs) };
  }
  if (jitterMs > remainingMs) return { retry: false, reason: 'budget' };
  return { retry: true, delayMs: jitterMs };
}
