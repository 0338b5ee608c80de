import { Registry } from 'prom-client';
import { ConsumerLagMetrics, type ConsumerState } from './consumer-lag-metrics';

describe('ConsumerLagMetrics', () => {
  it('bounds a scrape by its timeout when the server does not answer, and counts it', async () => {
    const registry = new Registry();
    const lag = ConsumerLagMetrics.for(registry, 100)!;
    const untrack = lag.track({ stream: 'JOBS', consumer: 'stuck', readState: () => new Promise<ConsumerState>(() => undefined) });
    lag.track({ stream: 'JOBS', consumer: 'fine', readState: async () => ({ num_pending: 7, num_ack_pending: 1, num_redelivered: 0 }) });

    const text = await registry.metrics();

    expect(text).toContain('jetstream_consumer_pending{stream="JOBS",consumer="fine"} 7');
    expect(text).not.toMatch(/jetstream_consumer_(pending|ack_pending|redelivered)\{[^}]*consumer="stuck"/);
    expect(text).toContain('jetstream_consumer_state_errors_total{stream="JOBS",consumer="stuck"} 1');
    untrack();
  });

  it('reads each consumer once per scrape for all three gauges', async () => {
    const registry = new Registry();
    let reads = 0;
    ConsumerLagMetrics.for(registry)!.track({
      stream: 'EVENTS',
      consumer: 'c',
      readState: async () => {
        reads++;
        return { num_pending: 1, num_ack_pending: 2, num_redelivered: 3 };
      },
    });
    const text = await registry.metrics();
    expect(reads).toBe(1);
    expect(text).toContain('jetstream_consumer_ack_pending{stream="EVENTS",consumer="c"} 2');
    expect(text).toContain('jetstream_consumer_redelivered{stream="EVENTS",consumer="c"} 3');
  });

  it('is one set of series per registry, shared by every consumer of the process', () => {
    const registry = new Registry();
    expect(ConsumerLagMetrics.for(registry)).toBe(ConsumerLagMetrics.for(registry));
    expect(ConsumerLagMetrics.for(undefined)).toBeUndefined();
  });
});
