import { Counter, Histogram, type Registry } from 'prom-client';

export type HandledOutcome = 'ok' | 'retry' | 'dead';

/**
 * The library's Prometheus series, registered once per registry (publisher and consumers of one
 * service share them). Labels are stream and consumer names, never subjects: subjects carry ids.
 */
export class MessagingMetrics {
  readonly published: Counter<'stream' | 'duplicate'>;
  readonly handled: Counter<'stream' | 'consumer' | 'outcome'>;
  readonly redeliveries: Counter<'stream' | 'consumer'>;
  readonly deadLetters: Counter<'stream' | 'consumer' | 'reason'>;
  readonly handlerDuration: Histogram<'stream' | 'consumer' | 'outcome'>;

  private static readonly byRegistry = new WeakMap<Registry, MessagingMetrics>();

  static for(registry: Registry | undefined): MessagingMetrics | undefined {
    if (!registry) return undefined;
    let metrics = MessagingMetrics.byRegistry.get(registry);
    if (!metrics) {
      metrics = new MessagingMetrics(registry);
      MessagingMetrics.byRegistry.set(registry, metrics);
    }
    return metrics;
  }

  private constructor(registry: Registry) {
    const registers = [registry];
    this.published = new Counter({
      name: 'sluice_messaging_published_total',
      help: 'Messages published to JetStream, by stream and whether the server saw a duplicate msgId',
      labelNames: ['stream', 'duplicate'],
      registers,
    });
    this.handled = new Counter({
      name: 'sluice_messaging_handled_total',
      help: 'Messages handled by a durable consumer, by outcome (ok = acked, retry = nak with backoff, dead = dead-lettered)',
      labelNames: ['stream', 'consumer', 'outcome'],
      registers,
    });
    this.redeliveries = new Counter({
      name: 'sluice_messaging_redeliveries_total',
      help: 'Deliveries that were not the first delivery of their message',
      labelNames: ['stream', 'consumer'],
      registers,
    });
    this.deadLetters = new Counter({
      name: 'sluice_messaging_dead_letters_total',
      help: 'Messages republished to the dead-letter stream, by reason',
      labelNames: ['stream', 'consumer', 'reason'],
      registers,
    });
    this.handlerDuration = new Histogram({
      name: 'sluice_messaging_handler_duration_seconds',
      help: 'Time spent in message handlers',
      labelNames: ['stream', 'consumer', 'outcome'],
      buckets: [0.005, 0.025, 0.1, 0.25, 1, 2.5, 10, 30, 120, 600],
      registers,
    });
  }
}
