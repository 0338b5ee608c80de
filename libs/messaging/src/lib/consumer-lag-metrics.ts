import { Counter, Gauge, type Registry } from 'prom-client';

/** What the server says about a durable consumer (the fields of its consumer info the gauges show). */
export interface ConsumerState {
  readonly num_pending: number;
  readonly num_ack_pending: number;
  readonly num_redelivered: number;
}

export interface ConsumerLagSource {
  readonly stream: string;
  readonly consumer: string;
  /** Reads the consumer's state from the server. */
  readState(): Promise<ConsumerState>;
}

type Labels = 'stream' | 'consumer';

/** How long one scrape waits for the server's answers; a scrape must not hang on a slow NATS. */
export const CONSUMER_STATE_TIMEOUT_MS = 2_000;

class StateTimeoutError extends Error {}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StateTimeoutError(`no consumer info within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * JetStream consumer lag, read from the server when Prometheus scrapes: per durable consumer of
 * this process, `jetstream_consumer_pending` (messages not yet delivered),
 * `jetstream_consumer_ack_pending` (delivered, not yet acked) and `jetstream_consumer_redelivered`
 * (delivered more than once, not yet acked). Every replica reports the same server-side figures,
 * so dashboards take the max per consumer, not the sum. A read that fails or times out is counted
 * in `jetstream_consumer_state_errors_total` and leaves that consumer's series out of the scrape,
 * rather than failing the scrape or showing stale numbers.
 */
export class ConsumerLagMetrics {
  private static readonly byRegistry = new WeakMap<Registry, ConsumerLagMetrics>();

  private readonly sources = new Set<ConsumerLagSource>();
  private readonly pending: Gauge<Labels>;
  private readonly ackPending: Gauge<Labels>;
  private readonly redelivered: Gauge<Labels>;
  private readonly errors: Counter<Labels>;
  private refreshing?: Promise<void>;

  static for(registry: Registry | undefined, timeoutMs = CONSUMER_STATE_TIMEOUT_MS): ConsumerLagMetrics | undefined {
    if (!registry) return undefined;
    let metrics = ConsumerLagMetrics.byRegistry.get(registry);
    if (!metrics) {
      metrics = new ConsumerLagMetrics(registry, timeoutMs);
      ConsumerLagMetrics.byRegistry.set(registry, metrics);
    }
    return metrics;
  }

  private constructor(
    registry: Registry,
    private readonly timeoutMs: number,
  ) {
    const registers = [registry];
    const labelNames: Labels[] = ['stream', 'consumer'];
    // One scrape collects these four series at once; they share one read of each consumer.
    const collect = () => this.refresh();
    this.pending = new Gauge({ name: 'jetstream_consumer_pending', help: 'Messages of the consumer not yet delivered', labelNames, registers, collect });
    this.ackPending = new Gauge({ name: 'jetstream_consumer_ack_pending', help: 'Messages delivered and waiting for an ack', labelNames, registers, collect });
    this.redelivered = new Gauge({ name: 'jetstream_consumer_redelivered', help: 'Messages delivered more than once and not yet acked', labelNames, registers, collect });
    this.errors = new Counter({
      name: 'jetstream_consumer_state_errors_total',
      help: 'Scrapes that could not read a consumer state from the server (error or timeout)',
      labelNames,
      registers,
      collect,
    });
  }

  /** Reports this consumer on every scrape until the returned function is called. */
  track(source: ConsumerLagSource): () => void {
    this.sources.add(source);
    return () => {
      this.sources.delete(source);
      this.forget(source);
    };
  }

  private refresh(): Promise<void> {
    this.refreshing ??= Promise.all([...this.sources].map((source) => this.read(source))).then(
      () => {
        this.refreshing = undefined;
      },
    );
    return this.refreshing;
  }

  private async read(source: ConsumerLagSource): Promise<void> {
    const labels = { stream: source.stream, consumer: source.consumer };
    try {
      const state = await withTimeout(source.readState(), this.timeoutMs);
      if (!this.sources.has(source)) return;
      this.pending.set(labels, state.num_pending);
      this.ackPending.set(labels, state.num_ack_pending);
      this.redelivered.set(labels, state.num_redelivered);
    } catch {
      this.errors.inc(labels);
      this.forget(source);
    }
  }

  private forget(source: ConsumerLagSource): void {
    const labels = { stream: source.stream, consumer: source.consumer };
    for (const gauge of [this.pending, this.ackPending, this.redelivered]) gauge.remove(labels);
  }
}
