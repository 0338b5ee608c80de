import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export type DecisionBackend = 'redis' | 'fallback';

/**
 * The limiter's Prometheus series, registered once per registry (every limiter of a service shares
 * them). Labels are the policy name, outcome and backend; never the caller's key.
 */
export class RateLimitMetrics {
  readonly decisions: Counter<'policy' | 'outcome' | 'backend'>;
  readonly fallbackActive: Gauge;
  readonly fallbackSwitches: Counter;
  readonly decisionDuration: Histogram<'backend'>;

  // Label children per (policy, outcome, backend): looked up on every decision, so resolved once.
  private readonly decisionCounters = new Map<string, Counter.Internal>();
  private readonly durationHistograms = new Map<DecisionBackend, Histogram.Internal<'backend'>>();

  private static readonly byRegistry = new WeakMap<Registry, RateLimitMetrics>();

  static for(registry: Registry | undefined): RateLimitMetrics | undefined {
    if (!registry) return undefined;
    let metrics = RateLimitMetrics.byRegistry.get(registry);
    if (!metrics) {
      metrics = new RateLimitMetrics(registry);
      RateLimitMetrics.byRegistry.set(registry, metrics);
    }
    return metrics;
  }

  private constructor(registry: Registry) {
    const registers = [registry];
    this.decisions = new Counter({
      name: 'sluice_ratelimit_decisions_total',
      help: 'Rate-limit decisions, by policy, outcome (allowed/denied) and backend (redis, or fallback = in-process while Redis fails)',
      labelNames: ['policy', 'outcome', 'backend'],
      registers,
    });
    this.fallbackActive = new Gauge({
      name: 'sluice_ratelimit_fallback_active',
      help: 'Rate limiters currently deciding in process because Redis failed (0 = all decide in Redis)',
      registers,
    });
    this.fallbackSwitches = new Counter({
      name: 'sluice_ratelimit_fallback_switches_total',
      help: 'Times a rate limiter switched from Redis to its in-process fallback',
      registers,
    });
    this.decisionDuration = new Histogram({
      name: 'sluice_ratelimit_decision_duration_seconds',
      help: 'Time to reach a rate-limit decision, by backend (a failed Redis call counts toward the fallback decision)',
      labelNames: ['backend'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers,
    });
  }

  recordDecision(policy: string, allowed: boolean, backend: DecisionBackend, seconds: number): void {
    const outcome = allowed ? 'allowed' : 'denied';
    const id = `${policy}\0${outcome}\0${backend}`;
    let counter = this.decisionCounters.get(id);
    if (!counter) {
      counter = this.decisions.labels({ policy, outcome, backend });
      this.decisionCounters.set(id, counter);
    }
    counter.inc();
    let histogram = this.durationHistograms.get(backend);
    if (!histogram) {
      histogram = this.decisionDuration.labels({ backend });
      this.durationHistograms.set(backend, histogram);
    }
    histogram.observe(seconds);
  }
}
