import { LRUCache } from 'lru-cache';
import { Counter, Gauge, type Registry } from 'prom-client';
import { SluiceError } from '@sluice/contracts';
import { Breaker, CircuitOpenError, DEFAULT_BREAKER_OPTIONS, type BreakerOptions, type ResolvedBreakerOptions } from '@sluice/resilience';

export interface HostBreakersOptions {
  /** Hosts with a breaker at once; the least recently used host's breaker is dropped beyond this. Default 10 000. */
  readonly maxHosts?: number;
  /** prom-client registry for totals over all hosts (never a per-host label). */
  readonly registry?: Registry;
  /** Breaker settings for every host (errorFilter excepted: see `isHostFailure`). */
  readonly breaker?: Omit<BreakerOptions, 'errorFilter'>;
}

/** Defaults for a remote host: no time limit of its own (the fetcher has one), opened by a few failures, probed again after 30 s. */
export const HOST_BREAKER_DEFAULTS: Omit<ResolvedBreakerOptions, 'errorFilter'> = {
  timeoutMs: false,
  errorThresholdPercentage: 50,
  volumeThreshold: 5,
  resetTimeoutMs: 30_000,
  rollingWindowMs: 30_000,
  rollingBuckets: 10,
};

/**
 * Whether an outcome says the host is failing: a 5xx (a response, or an error, with `status`), a
 * `SluiceError` UNAVAILABLE (safe-fetch's `timeout` and `network`) or any other thrown error. A 4xx
 * is the host answering correctly about one URL, and a `SluiceError` of another code (a blocked
 * address, a body over the limit) is about the URL or our own policy; neither counts.
 */
export function isHostFailure(outcome: unknown): boolean {
  const status = statusOf(outcome);
  if (status !== undefined) return status >= 500;
  if (outcome instanceof SluiceError) return outcome.code === 'UNAVAILABLE';
  return true;
}

/** Carries a 5xx response through the breaker as a failure; `fire` hands the response itself back. */
class ServerErrorResponse {
  constructor(readonly response: unknown) {}
}

/**
 * One circuit breaker per host (opossum, through `@sluice/resilience`), kept in a bounded LRU so a
 * crawl over many hosts cannot grow memory without bound. 5xx responses and network errors count as
 * failures, 4xx do not. While a host's breaker is open, `fire` rejects at once with
 * `CircuitOpenError` (its `retryAfterMs` says when the host is tried again) without calling `fn`.
 * Per process: replicas do not share breaker state.
 */
export class HostBreakers {
  private readonly breakers: LRUCache<string, Breaker>;
  private readonly options: ResolvedBreakerOptions;
  private readonly calls?: Counter<'outcome'>;

  constructor(opts: HostBreakersOptions = {}) {
    this.options = {
      ...DEFAULT_BREAKER_OPTIONS,
      ...HOST_BREAKER_DEFAULTS,
      ...Object.fromEntries(Object.entries(opts.breaker ?? {}).filter(([, value]) => value !== undefined)),
      errorFilter: (error: unknown) => !isHostFailure(error),
    };
    // Dropping a breaker also stops its timers; an evicted host starts closed again when it comes back.
    this.breakers = new LRUCache({ max: opts.maxHosts ?? 10_000, dispose: (breaker) => breaker.shutdown() });
    if (opts.registry) this.calls = this.registerMetrics(opts.registry);
  }

  /**
   * Runs `fn` through the host's breaker. Returns what `fn` returns, a 5xx response included
   * (counted as a failure); rejects with `fn`'s error, or with `CircuitOpenError` while open.
   */
  async fire<T>(host: string, fn: (signal: AbortSignal) => Promise<T>, options: { signal?: AbortSignal } = {}): Promise<T> {
    const breaker = this.breakerFor(host);
    try {
      const value = await breaker.execute(
        async (signal) => {
          const result = await fn(signal);
          if (statusOf(result) !== undefined && isHostFailure(result)) throw new ServerErrorResponse(result);
          return result;
        },
        { signal: options.signal },
      );
      this.calls?.inc({ outcome: 'success' });
      return value;
    } catch (error) {
      if (error instanceof ServerErrorResponse) {
        this.calls?.inc({ outcome: 'failure' });
        return error.response as T;
      }
      this.calls?.inc({ outcome: error instanceof CircuitOpenError ? 'rejected' : options.signal?.aborted || !isHostFailure(error) ? 'ignored' : 'failure' });
      throw error;
    }
  }

  isOpen(host: string): boolean {
    return this.breakers.peek(host)?.state === 'open';
  }

  /** Hosts currently tracked (at most `maxHosts`). */
  get size(): number {
    return this.breakers.size;
  }

  /** Stops every breaker's timers; call on shutdown. */
  shutdown(): void {
    this.breakers.clear();
  }

  private breakerFor(host: string): Breaker {
    let breaker = this.breakers.get(host);
    if (!breaker) {
      breaker = new Breaker(`host ${host}`, this.options);
      this.breakers.set(host, breaker);
    }
    return breaker;
  }

  private registerMetrics(registry: Registry): Counter<'outcome'> {
    const breakers = this.breakers;
    new Gauge({
      name: 'sluice_crawl_host_breakers_open',
      help: 'Hosts whose circuit breaker is open',
      registers: [registry],
      collect() {
        let open = 0;
        for (const breaker of breakers.values()) if (breaker.state === 'open') open++;
        this.set(open);
      },
    });
    return new Counter({
      name: 'sluice_crawl_host_breaker_calls_total',
      help: 'Requests through the per-host circuit breakers by outcome: success, failure, ignored (4xx, not the host failing), rejected (breaker open)',
      labelNames: ['outcome'],
      registers: [registry],
    });
  }
}

function statusOf(outcome: unknown): number | undefined {
  if (typeof outcome !== 'object' || outcome === null) return undefined;
  const fields = outcome as Record<string, unknown>;
  const status = fields['status'] ?? fields['statusCode'];
  return typeof status === 'number' ? status : undefined;
}
