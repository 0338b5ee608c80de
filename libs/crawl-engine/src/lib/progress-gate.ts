/** Lets an action through at most once per interval (progress events, heartbeats). */
export class ProgressGate {
  private last = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly intervalMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** true, and the interval starts again, if the last pass was at least an interval ago */
  pass(): boolean {
    const t = this.now();
    if (t - this.last < this.intervalMs) return false;
    this.last = t;
    return true;
  }
}
