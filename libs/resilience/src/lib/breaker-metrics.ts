import { Counter, Gauge, type Registry } from 'prom-client';

export type BreakerState = 'closed' | 'half-open' | 'open';

/**
 * What became of one call through a breaker; every call counts exactly once.
 * - `success`: the work resolved.
 * - `failure`: the work rejected with an error that counts against the dependency.
 * - `timeout`: the work did not finish within the breaker's time limit (counts against it too).
 * - `rejected`: the breaker refused the call without running the work (open, or half-open with its trial running).
 * - `ignored`: the work rejected with an error excluded by `errorFilter`, or the caller aborted it.
 * - `fallback`: the call failed, timed out or was rejected, and the caller's fallback answered instead.
 */
export type CallOutcome = 'success' | 'failure' | 'timeout' | 'rejected' | 'ignored' | 'fallback';

const OUTCOMES: readonly CallOutcome[] = ['success', 'failure', 'timeout', 'rejected', 'ignored', 'fallback'];
const STATE_VALUE: Record<BreakerState, number> = { closed: 0, 'half-open': 1, open: 2 };

/**
 * The breakers' Prometheus series, registered once per registry. The `breaker` label takes breaker
 * names, which code chooses from a small fixed set (one per dependency); never user input.
 */
export class BreakerMetrics {
  readonly state: Gauge<'breaker'>;
  readonly calls: Counter<'breaker' | 'outcome'>;
  readonly transitions: Counter<'breaker' | 'from' | 'to'>;

  private static readonly byRegistry = new WeakMap<Registry, BreakerMetrics>();

  static for(registry: Registry | undefined): BreakerMetrics | undefined {
    if (!registry) return undefined;
    let metrics = BreakerMetrics.byRegistry.get(registry);
    if (!metrics) {
      metrics = new BreakerMetrics(registry);
      BreakerMetrics.byRegistry.set(registry, metrics);
    }
    return metrics;
  }

  private constructor(registry: Registry) {
    const registers = [registry];
    this.state = new Gauge({
      name: 'sluice_circuit_breaker_state',
      help: 'State of each circuit breaker: 0 closed, 1 half-open, 2 open',
      labelNames: ['breaker'],
      registers,
    });
    this.calls = new Counter({
      name: 'sluice_circuit_breaker_calls_total',
      help: 'Calls through each circuit breaker by outcome (success, failure, timeout, rejected, ignored, fallback)',
      labelNames: ['breaker', 'outcome'],
      registers,
    });
    this.transitions = new Counter({
      name: 'sluice_circuit_breaker_transitions_total',
      help: 'State changes of each circuit breaker',
      labelNames: ['breaker', 'from', 'to'],
      registers,
    });
  }

  /** Creates the breaker's series at zero, so rates and alerts work before the first failure. */
  register(breaker: string, state: BreakerState): void {
    this.setState(breaker, state);
    for (const outcome of OUTCOMES) this.calls.inc({ breaker, outcome }, 0);
  }

  setState(breaker: string, state: BreakerState): void {
    this.state.set({ breaker }, STATE_VALUE[state]);
  }

  transition(breaker: string, from: BreakerState, to: BreakerState): void {
    this.transitions.inc({ breaker, from, to });
    this.setState(breaker, to);
  }

  call(breaker: string, outcome: CallOutcome): void {
    this.calls.inc({ breaker, outcome });
  }
}
