import { TimeoutError, ResilienceOptionsError } from './resilience-errors';

/** setTimeout cannot wait longer than this; a larger value would fire at once. */
export const MAX_TIMER_MS = 2_147_483_647;

export interface TimeoutOptions {
  /** The caller's signal: aborting it aborts the work and rejects with its reason. */
  readonly signal?: AbortSignal;
}

/**
 * Runs `work` with a signal that aborts after `timeoutMs` (with a `TimeoutError` as reason), and
 * rejects with that `TimeoutError` at that moment, without waiting for work that ignores its signal.
 * The timer and the listener on the caller's signal are removed on every path.
 */
export function withTimeout<T>(work: (signal: AbortSignal) => Promise<T>, timeoutMs: number, options: TimeoutOptions = {}): Promise<T> {
  try {
    assertTimeout(timeoutMs);
  } catch (error) {
    return Promise.reject(error);
  }
  const outer = options.signal;
  if (outer?.aborted) return Promise.reject(outer.reason);
  const inner = new AbortController();
  return new Promise<T>((resolve, reject) => {
    const settle = () => {
      clearTimeout(timer);
      outer?.removeEventListener('abort', onOuterAbort);
    };
    const onOuterAbort = () => {
      settle();
      inner.abort(outer?.reason);
      reject(outer?.reason);
    };
    const timer = setTimeout(() => {
      settle();
      const error = new TimeoutError(timeoutMs);
      inner.abort(error);
      reject(error);
    }, timeoutMs);
    outer?.addEventListener('abort', onOuterAbort, { once: true });

    let running: Promise<T>;
    try {
      running = Promise.resolve(work(inner.signal));
    } catch (error) {
      settle();
      reject(error);
      return;
    }
    // After a timeout or abort the promise is already settled; a late result is dropped, and a late
    // rejection is handled here so it never becomes an unhandled rejection.
    running.then(
      (value) => {
        settle();
        resolve(value);
      },
      (error: unknown) => {
        settle();
        reject(error);
      },
    );
  });
}

export function assertTimeout(timeoutMs: number): void {
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0 || timeoutMs > MAX_TIMER_MS) {
    throw new ResilienceOptionsError(`timeoutMs must be a number in (0, ${MAX_TIMER_MS}], got ${timeoutMs}`);
  }
}
