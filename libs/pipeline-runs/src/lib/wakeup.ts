/**
 * A sleep that can be cut short: `wait` resolves after `ms`, when `signal` aborts, or when `wake`
 * is called — also if `wake` came while nobody was waiting (the next wait then returns at once).
 */
export class Wakeup {
  private pending = false;
  private resolveWait: (() => void) | undefined;

  wake(): void {
    if (this.resolveWait) this.resolveWait();
    else this.pending = true;
  }

  wait(ms: number, signal: AbortSignal): Promise<void> {
    if (this.pending || signal.aborted) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.resolveWait = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
      this.resolveWait = done;
    });
  }
}
