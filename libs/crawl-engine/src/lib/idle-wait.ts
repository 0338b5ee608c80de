/**
 * Resolves after `ms`, when `signal` aborts, or when any of `wakers` settles, whichever is first;
 * the timer is always cleared. Never rejects.
 */
export async function idleWait(ms: number, signal: AbortSignal, wakers: Iterable<Promise<unknown>> = []): Promise<void> {
  if (signal.aborted) return;
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, Math.max(0, ms));
    onAbort = () => resolve();
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    await Promise.race([timeout, ...[...wakers].map((p) => p.then(() => undefined, () => undefined))]);
  } finally {
    clearTimeout(timer);
    if (onAbort) signal.removeEventListener('abort', onAbort);
  }
}
