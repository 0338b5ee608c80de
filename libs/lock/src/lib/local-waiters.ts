/**
 * Waiters of this process, by lock name. When a lease of this process releases a lock, the
 * longest-waiting local waiter for that name retries at once instead of sleeping out its backoff.
 * Only a hint: the retry still has to win the lock in Redis, and waiters in other processes (or a
 * lock that expired instead of being released) still rely on their backoff.
 */
export class LocalWaiters {
  private readonly byName = new Map<string, Set<() => void>>();

  /** Resolves after `ms`, when `wakeOne(name)` picks this waiter, or when `signal` aborts; never rejects, always cleans up. */
  wait(name: string, ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (ms <= 0 || signal?.aborted) return resolve();
      let waiters = this.byName.get(name);
      if (!waiters) {
        waiters = new Set();
        this.byName.set(name, waiters);
      }
      const set = waiters;
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        set.delete(done);
        if (set.size === 0 && this.byName.get(name) === set) this.byName.delete(name);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener('abort', done, { once: true });
      set.add(done);
    });
  }

  /** Wakes the longest-waiting waiter for `name`, if any. */
  wakeOne(name: string): void {
    const waiters = this.byName.get(name);
    if (!waiters) return;
    const first = waiters.values().next();
    if (!first.done) first.value();
  }

  /** How many waiters wait for `name` (for tests and metrics). */
  count(name: string): number {
    return this.byName.get(name)?.size ?? 0;
  }
}
