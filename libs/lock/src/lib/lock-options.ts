import { InvalidLockArgumentError } from './lock-errors';
import { assertRetryPolicy, DEFAULT_RETRY, type RetryPolicy } from './lock-timing';

/** Shortest lease accepted: below this, the extension cadence and safety margin stop making sense. */
export const MIN_TTL_MS = 100;
/** Longest lease or wait accepted (the largest delay a Node.js timer can hold). */
export const MAX_TIMER_MS = 2_147_483_647;

export const DEFAULT_TTL_MS = 30_000;
export const DEFAULT_ACQUIRE_TIMEOUT_MS = 10_000;

/** Options of `acquire`, `tryAcquire` and `withLock`; each falls back to the lock's defaults. */
export interface LockOptions {
  /** lease length in ms (default 30 000); while held, the lease is extended every `ttlMs / 3` */
  readonly ttlMs?: number;
  /** how long to keep trying while someone else holds the lock (default 10 000; 0 = one attempt) */
  readonly acquireTimeoutMs?: number;
  /** backoff between attempts (default 10 ms doubling up to 250 ms, jittered) */
  readonly retry?: Partial<RetryPolicy>;
  /** extend the lease automatically while held (default true; `withLock` always does) */
  readonly autoExtend?: boolean;
  /** stops waiting for the lock: acquire rejects with the signal's reason */
  readonly signal?: AbortSignal;
}

export type LockDefaults = Omit<LockOptions, 'signal'>;

export interface ResolvedLockOptions {
  readonly ttlMs: number;
  readonly acquireTimeoutMs: number;
  readonly retry: RetryPolicy;
  readonly autoExtend: boolean;
  readonly signal: AbortSignal | undefined;
}

function assertDuration(value: number, path: string, min: number): void {
  if (!Number.isInteger(value) || value < min || value > MAX_TIMER_MS) {
    throw new InvalidLockArgumentError(`${path} must be an integer from ${min} to ${MAX_TIMER_MS} ms, got ${value}`, [
      { path, message: `must be an integer from ${min} to ${MAX_TIMER_MS}` },
    ]);
  }
}

export function assertTtl(ttlMs: number): void {
  assertDuration(ttlMs, 'ttlMs', MIN_TTL_MS);
}

/** Merges call options over the lock's defaults over the library defaults, and validates the result. */
export function resolveLockOptions(defaults: LockDefaults, options: LockOptions = {}): ResolvedLockOptions {
  const resolved: ResolvedLockOptions = {
    ttlMs: options.ttlMs ?? defaults.ttlMs ?? DEFAULT_TTL_MS,
    acquireTimeoutMs: options.acquireTimeoutMs ?? defaults.acquireTimeoutMs ?? DEFAULT_ACQUIRE_TIMEOUT_MS,
    retry: { ...DEFAULT_RETRY, ...defaults.retry, ...options.retry },
    autoExtend: options.autoExtend ?? defaults.autoExtend ?? true,
    signal: options.signal,
  };
  assertTtl(resolved.ttlMs);
  assertDuration(resolved.acquireTimeoutMs, 'acquireTimeoutMs', 0);
  assertRetryPolicy(resolved.retry);
  return resolved;
}
