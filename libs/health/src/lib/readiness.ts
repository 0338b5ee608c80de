import { runCheck, type CheckResult, type DependencyCheck } from './dependency-check';

export interface ReadinessReport {
  readonly ready: boolean;
  readonly shuttingDown: boolean;
  readonly checks: Readonly<Record<string, CheckResult>>;
}

type Listener = (report: ReadinessReport) => void;

/**
 * The service's readiness: every dependency answers and the service is not shutting down.
 * Evaluated on demand (the HTTP probe) and on an interval (to keep gRPC health current).
 */
export class Readiness {
  private readonly checks: DependencyCheck[] = [];
  private readonly listeners = new Set<Listener>();
  private shuttingDown = false;
  private started = false;
  private timer?: NodeJS.Timeout;
  private last?: ReadinessReport;

  constructor(private readonly timeoutMs: number) {}

  add(check: DependencyCheck): void {
    if (this.checks.some((c) => c.name === check.name)) throw new Error(`readiness check "${check.name}" added twice`);
    this.checks.push(check);
  }

  /** The service finished starting: the startup probe passes from now on. */
  markStarted(): void {
    this.started = true;
  }

  get hasStarted(): boolean {
    return this.started;
  }

  /** Stop taking work: readiness is false from now on, whatever the dependencies say. */
  markShuttingDown(): void {
    this.shuttingDown = true;
    this.publish({ ready: false, shuttingDown: true, checks: this.last?.checks ?? {} });
  }

  async evaluate(): Promise<ReadinessReport> {
    const results = await Promise.all(this.checks.map((c) => runCheck(c, this.timeoutMs)));
    const checks = Object.fromEntries(this.checks.map((c, i) => [c.name, results[i]]));
    const report = { ready: !this.shuttingDown && results.every((r) => r.ok), shuttingDown: this.shuttingDown, checks };
    this.publish(report);
    return report;
  }

  onChange(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Re-evaluates every intervalMs until stop(); one evaluation at a time. */
  watch(intervalMs: number): void {
    if (this.timer) return;
    const tick = async () => {
      await this.evaluate();
      if (this.timer) this.timer = setTimeout(tick, intervalMs);
    };
    this.timer = setTimeout(tick, 0);
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private publish(report: ReadinessReport): void {
    const changed = this.last?.ready !== report.ready;
    this.last = report;
    if (changed) for (const listener of this.listeners) listener(report);
  }
}
