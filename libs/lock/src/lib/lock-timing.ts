import { InvalidLockArgumentError } from './lock-errors';

/** Jittered exponential backoff between attempts to take a lock that someone else holds. */
export interface RetryPolicy {
  /** pause after the first failed attempt (before jitter) */
  readonly initialMs: number;
  /** growth per failed attempt, >= 1 */
  readonly factor: number;
  /** cap on any single pause */
  readonly maxMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { initialMs: 10, factor: 2, maxMs: 250 };

/** Redis and this process may count time at slightly different rates; the lease we trust is shorter by this fraction. */
export const CLOCK_DRIFT_FACTOR = 0.01;
/** Fixed part of the safety margin (timer granularity). */
export const LEASE_MARGIN_MS = 2;
/** Never wait less than this between attempts, so a waiter cannot spin. */
export const MIN_RETRY_DELAY_MS = 1;

export function assertRetryPolicy(policy: RetryPolicy): void {
  const { initialMs, factor, maxMs } = policy;
  if (!(Number.isFinite(initialMs) && initialMs >= MIN_RETRY_DELAY_MS) || !(Number.isFinite(factor) && factor >= 1) || !(Number.isFinite(maxMs) && maxMs >= initialMs)) {
    throw new InvalidLockArgumentError(`retry needs initialMs >= ${MIN_RETRY_DELAY_MS}, factor >= 1 and a finite maxMs >= initialMs`, [
      { path: 'retry', message: 'invalid retry policy' },
    ]);
  }
}

/**
 * The pause after failed attempt `attempt` (1-based): `base = min(maxMs, initialMs * factor^(attempt-1))`,
 * then a uniform pick in `[base / 2, base]` so that waiters which failed together spread out, while
 * none retries sooner than half the base.
 */
export function retryDelayMs(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const exponent = Math.max(0, Math.floor(attempt) - 1);
  const base = Math.min(policy.maxMs, policy.initialMs * policy.factor ** exponent);
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.max(MIN_RETRY_DELAY_MS, Math.round(base / 2 + (base / 2) * r));
}

export interface NextAttempt {
  /** 1-based number of the attempt that just failed */
  readonly attempt: number;
  readonly policy: RetryPolicy;
  /** PTTL of the current holder's key as the failed attempt saw it (negative: unknown or no expiry) */
  readonly holderTtlMs: number;
  /** time left before the acquire timeout */
  readonly remainingMs: number;
  readonly random?: () => number;
}

/**
 * How long to wait before the next attempt: the jittered backoff, but no later than just after the
 * holder's lease would end and no later than the acquire deadline (so the last attempt happens at
 * the deadline, not after it). Never below `MIN_RETRY_DELAY_MS`.
 */
export function nextAttemptDelayMs({ attempt, policy, holderTtlMs, remainingMs, random }: NextAttempt): number {
  let delay = retryDelayMs(attempt, policy, random);
  if (holderTtlMs >= 0) delay = Math.min(delay, holderTtlMs + 1);
  delay = Math.min(delay, Math.ceil(remainingMs));
  return Math.max(MIN_RETRY_DELAY_MS, delay);
}

/**
 * For how long after *sending* a successful acquire or extend the lock is certainly still ours.
 * Redis starts the TTL when it runs the command, which is after we sent it, so counting from the
 * send time is safe; the margin covers clock-rate drift and timer granularity.
 */
export function safeLeaseMs(ttlMs: number): number {
  return Math.max(0, ttlMs - Math.ceil(ttlMs * CLOCK_DRIFT_FACTOR) - LEASE_MARGIN_MS);
}

/** Automatic extension runs every third of the TTL, so two attempts can fail before the lease is in danger. */
export function extendIntervalMs(ttlMs: number): number {
  return Math.max(1, Math.floor(ttlMs / 3));
}

/** After an extension failed on a Redis error (not on losing the lock), the next try comes sooner. */
export function extendRetryMs(ttlMs: number): number {
  return Math.max(10, Math.floor(ttlMs / 10));
}
