/**
 * Runs at most one operation per key at a time in this process: callers that arrive while one runs
 * share its result (or its error). Nothing is kept once it settles.
 */
export class SingleFlight<V> {
  private readonly running = new Map<string, Promise<V>>();

  run(key: string, operation: () => Promise<V>): Promise<V> {
    const current = this.running.get(key);
    if (current) return current;
    const started = (async () => {
      try {
        return await operation();
      } finally {
        this.running.delete(key);
      }
    })();
    this.running.set(key, started);
    return started;
  }

  get size(): number {
    return this.running.size;
  }
}
