import type { Registry } from 'prom-client';
import { Breaker } from './breaker';
import type { BreakerLogger } from './breaker-logger';
import { BreakerMetrics } from './breaker-metrics';
import { assertBreakerName, resolveBreakerOptions, type BreakerOptions } from './breaker-options';
import { ResilienceOptionsError } from './resilience-errors';

export interface BreakerRegistryOptions {
  /** prom-client registry the `sluice_circuit_breaker_*` series are registered in; none, no metrics. */
  readonly metricsRegistry?: Registry;
  /** Receives a warn when a breaker opens and an info when it half-opens or closes. */
  readonly logger?: BreakerLogger;
  /** Options every breaker of this registry starts from (over the library defaults). */
  readonly defaults?: BreakerOptions;
  /** Upper bound on the number of breakers, a guard against names built from data. Default 100. */
  readonly maxBreakers?: number;
}

/** The breakers of one process: one per dependency, named by code, shut down together. */
export class BreakerRegistry {
  private readonly breakers = new Map<string, Breaker>();
  private readonly metrics: BreakerMetrics | undefined;
  private readonly maxBreakers: number;

  constructor(private readonly options: BreakerRegistryOptions = {}) {
    this.metrics = BreakerMetrics.for(options.metricsRegistry);
    this.maxBreakers = options.maxBreakers ?? 100;
    resolveBreakerOptions(options.defaults);
  }

  /** A new breaker; a name already taken, a name that is not a short identifier or one too many breakers throw `ResilienceOptionsError`. */
  create(name: string, options?: BreakerOptions): Breaker {
    assertBreakerName(name);
    if (this.breakers.has(name)) throw new ResilienceOptionsError(`breaker ${name} already exists`);
    if (this.breakers.size >= this.maxBreakers) {
      throw new ResilienceOptionsError(`more than ${this.maxBreakers} breakers; breaker names must come from a fixed set`);
    }
    const breaker = new Breaker(name, resolveBreakerOptions(this.options.defaults, options), { metrics: this.metrics, logger: this.options.logger });
    this.breakers.set(name, breaker);
    return breaker;
  }

  get(name: string): Breaker | undefined {
    return this.breakers.get(name);
  }

  names(): string[] {
    return [...this.breakers.keys()];
  }

  /** Shuts every breaker down (their rolling-window and reset timers included); call on application shutdown. */
  shutdown(): void {
    for (const breaker of this.breakers.values()) breaker.shutdown();
  }
}
