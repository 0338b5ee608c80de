/**
 * Resolves after `ms`, or early when the callback handed to `subscribeWake` is called; rejects with
 * the signal's reason when it aborts. The timer, the abort listener and the wake subscription
 * (its returned unsubscribe function) are removed on every path.
 */
export function sleep(ms: number, signal?: AbortSignal, subscribeWake?: (wake: () => void) => () => void): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const settle = (outcome: () => void) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      unsubscribe?.();
      outcome();
    };
    const onAbort = () => settle(() => reject(signal?.reason));
    const timer = setTimeout(() => settle(resolve), Math.max(0, ms));
    signal?.addEventListener('abort', onAbort, { once: true });
    const unsubscribe = subscribeWake?.(() => settle(resolve));
  });
}
