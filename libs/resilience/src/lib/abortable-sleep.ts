/** Resolves after `ms`; rejects with `signal.reason` as soon as `signal` aborts. The timer and listener go either way. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** A signal that never aborts, for work started without a caller's signal. */
export function neverAborted(): AbortSignal {
  return new AbortController().signal;
}
