/** Lets an action through at most once per interval (progress events, heartbeats). */
export class ProgressGate {
  private last = Number.NEGATIVE_INFINITY;

  /** A gate whose first pass is one interval from now (the first one of `new ProgressGate` is at once). */
  static startingNow(intervalMs: number, now: () => number = () => performance.now()): ProgressGate {
    const gate = new ProgressGate(intervalMs, now);
    gate.pass();
    return gate;
  }

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
