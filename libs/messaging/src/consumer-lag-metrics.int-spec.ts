import { jetstreamManager } from '@nats-io/jetstream';
import { Registry } from 'prom-client';
import { closeNats, connectNats, ensureStreams, JetStreamPublisher, startConsumer, type MessagingLogger, type NatsConnection, type RunningConsumer, type Topology } from './index';
import { eventually, isolatedTopology, removeTopology } from './testing';

const quietLogger: MessagingLogger = { warn: () => undefined, error: () => undefined };
const LAG_GAUGES = ['jetstream_consumer_pending', 'jetstream_consumer_ack_pending', 'jetstream_consumer_redelivered'] as const;

type Lag = Record<(typeof LAG_GAUGES)[number], number | undefined>;

/** One scrape, as Prometheus would do it, read back as the three gauges of one consumer. */
async function scrapeLag(registry: Registry, stream: string, consumer: string): Promise<Lag> {
  const text = await registry.metrics();
  const read = (name: string) => {
    const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(`stream="${stream}"`) && l.includes(`consumer="${consumer}"`));
    return line ? Number(line.split(' ').pop()) : undefined;
  };
  return Object.fromEntries(LAG_GAUGES.map((g) => [g, read(g)])) as Lag;
}

async function errorCount(registry: Registry, consumer: string): Promise<number> {
  const { values } = await registry.getSingleMetric('jetstream_consumer_state_errors_total')!.get();
  return values.find((v) => v.labels.consumer === consumer)?.value ?? 0;
}

/** A gate a handler waits on until the test opens it. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

describe('JetStream consumer lag gauges (real NATS)', () => {
  jest.setTimeout(60_000);
  let nc: NatsConnection;
  let publisher: JetStreamPublisher;
  const topologies: Topology[] = [];
  const running: RunningConsumer[] = [];
  const gates: ReturnType<typeof gate>[] = [];

  async function freshTopology(): Promise<Topology> {
    const topology = isolatedTopology();
    topologies.push(topology);
    await ensureStreams(nc, topology);
    return topology;
  }

  beforeAll(async () => {
    nc = await connectNats({ url: process.env.NATS_URL ?? 'nats://127.0.0.1:4222', name: 'messaging-int-lag' });
    publisher = new JetStreamPublisher(nc);
  });
  afterEach(async () => {
    for (const g of gates.splice(0)) g.open();
    await Promise.all(running.splice(0).map((c) => c.stop()));
  });
  afterAll(async () => {
    for (const t of topologies) await removeTopology(nc, t);
    await closeNats(nc);
  });

  it('shows messages waiting and messages in progress on each scrape, read from the server', async () => {
    const topology = await freshTopology();
    const subject = topology.subject('jobs.lag');
    const registry = new Registry();
    const release = gate();
    gates.push(release);
    for (let n = 0; n < 5; n++) await publisher.publish(subject, { n }, { msgId: `lag-${n}` });
    let done = 0;
    running.push(
      await startConsumer<{ n: number }>(nc, {
        topology,
        stream: topology.jobs.name,
        durable: 'lagging',
        filterSubject: subject,
        concurrency: 2,
        pullExpiresMs: 1_000,
        logger: quietLogger,
        registry,
        handler: async () => {
          await release.opened;
          done++;
        },
      }),
    );

    // Two handlers hold a message each; the other three wait on the server.
    await eventually(async () => {
      const lag = await scrapeLag(registry, topology.jobs.name, 'lagging');
      return lag.jetstream_consumer_pending === 3 && lag.jetstream_consumer_ack_pending === 2 && lag;
    }, 20_000, 'pending 3, ack pending 2');

    release.open();
    await eventually(() => done === 5, 20_000, 'all five handled');
    await eventually(async () => {
      const lag = await scrapeLag(registry, topology.jobs.name, 'lagging');
      return lag.jetstream_consumer_pending === 0 && lag.jetstream_consumer_ack_pending === 0 && lag;
    }, 20_000, 'no lag left');
    expect(await errorCount(registry, 'lagging')).toBe(0);
  });

  it('shows a message being redelivered until it is acked', async () => {
    const topology = await freshTopology();
    const subject = topology.subject('jobs.retry');
    const registry = new Registry();
    const release = gate();
    gates.push(release);
    await publisher.publish(subject, { n: 1 }, { msgId: 'retry-1' });
    running.push(
      await startConsumer<{ n: number }>(nc, {
        topology,
        stream: topology.jobs.name,
        durable: 'retrying',
        filterSubject: subject,
        backoffMs: [200],
        pullExpiresMs: 1_000,
        logger: quietLogger,
        registry,
        handler: async (_payload, ctx) => {
          if (ctx.deliveryCount === 1) throw new Error('first try fails');
          await release.opened;
        },
      }),
    );

    await eventually(async () => (await scrapeLag(registry, topology.jobs.name, 'retrying')).jetstream_consumer_redelivered === 1, 20_000, 'redelivered 1');
    release.open();
    await eventually(async () => {
      const lag = await scrapeLag(registry, topology.jobs.name, 'retrying');
      return lag.jetstream_consumer_redelivered === 0 && lag.jetstream_consumer_ack_pending === 0;
    }, 20_000, 'redelivered back to 0 after the ack');
  });

  it('drops the series of a consumer once it stopped', async () => {
    const topology = await freshTopology();
    const registry = new Registry();
    const consumer = await startConsumer(nc, {
      topology,
      stream: topology.jobs.name,
      durable: 'stopping',
      filterSubject: topology.subject('jobs.stop'),
      pullExpiresMs: 1_000,
      logger: quietLogger,
      registry,
      handler: () => undefined,
    });
    expect((await scrapeLag(registry, topology.jobs.name, 'stopping')).jetstream_consumer_pending).toBe(0);
    await consumer.stop();
    expect(await scrapeLag(registry, topology.jobs.name, 'stopping')).toEqual({
      jetstream_consumer_pending: undefined,
      jetstream_consumer_ack_pending: undefined,
      jetstream_consumer_redelivered: undefined,
    });
  });

  it('counts a consumer state it cannot read instead of failing the scrape', async () => {
    const topology = await freshTopology();
    const registry = new Registry();
    running.push(
      await startConsumer(nc, {
        topology,
        stream: topology.jobs.name,
        durable: 'orphaned',
        filterSubject: topology.subject('jobs.orphan'),
        pullExpiresMs: 1_000,
        logger: quietLogger,
        registry,
        handler: () => undefined,
      }),
    );
    expect((await scrapeLag(registry, topology.jobs.name, 'orphaned')).jetstream_consumer_pending).toBe(0);

    await (await jetstreamManager(nc)).consumers.delete(topology.jobs.name, 'orphaned');
    // the scrape itself succeeds; only this consumer's series are missing
    expect((await scrapeLag(registry, topology.jobs.name, 'orphaned')).jetstream_consumer_pending).toBeUndefined();
    expect(await errorCount(registry, 'orphaned')).toBeGreaterThanOrEqual(1);
  });
});
