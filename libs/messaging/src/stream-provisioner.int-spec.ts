import { jetstreamManager, RetentionPolicy, type JetStreamManager } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { closeNats, connectNats, ensureStreams, NatsConnectError, StreamConfigConflictError, type NatsConnection, type Topology } from './index';
import { isolatedTopology, removeTopology } from './testing';

describe('ensureStreams (real NATS)', () => {
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  const topologies: Topology[] = [];
  const fresh = () => {
    const t = isolatedTopology();
    topologies.push(t);
    return t;
  };

  beforeAll(async () => {
    nc = await connectNats({ url: process.env.NATS_URL ?? 'nats://127.0.0.1:4222', name: 'messaging-int-streams' });
    jsm = await jetstreamManager(nc);
  });
  afterAll(async () => {
    for (const t of topologies) await removeTopology(nc, t);
    await closeNats(nc);
  });

  it('creates the streams once and reports them unchanged the second time', async () => {
    const topology = fresh();
    expect((await ensureStreams(nc, topology)).map((r) => r.action)).toEqual(['created', 'created', 'created']);
    expect((await ensureStreams(jsm, topology)).map((r) => r.action)).toEqual(['unchanged', 'unchanged', 'unchanged']);

    const jobs = await jsm.streams.info(topology.jobs.name);
    expect(jobs.config.retention).toBe(RetentionPolicy.Workqueue);
    expect(jobs.config.subjects).toEqual([`${topology.namespace}.jobs.>`]);
    const events = await jsm.streams.info(topology.events.name);
    expect(events.config.retention).toBe(RetentionPolicy.Limits);
    expect(events.config.max_age).toBeGreaterThan(0);
    expect(events.config.max_bytes).toBeGreaterThan(0);
    expect((await jsm.streams.info(topology.deadLetters.name)).config.subjects).toEqual([`${topology.namespace}.dlq.>`]);
  });

  it('survives many services provisioning the same topology at the same moment', async () => {
    const topology = fresh();
    const clients = await Promise.all(Array.from({ length: 6 }, (_, i) => connectNats({ url: process.env.NATS_URL ?? '', name: `messaging-int-race-${i}` })));
    try {
      const results = await Promise.all(clients.map((c) => ensureStreams(c, topology)));
      // Every caller succeeds; identical concurrent creations are accepted by the server as one stream.
      for (const result of results) expect(result.map((r) => r.name)).toEqual(topology.streams.map((s) => s.name));
      expect((await ensureStreams(nc, topology)).map((r) => r.action)).toEqual(['unchanged', 'unchanged', 'unchanged']);
      expect((await jsm.streams.info(topology.jobs.name)).config.retention).toBe(RetentionPolicy.Workqueue);
    } finally {
      await Promise.all(clients.map((c) => closeNats(c)));
    }
  });

  it('updates a stream whose limits drifted from the topology', async () => {
    const topology = fresh();
    await ensureStreams(nc, topology);
    await jsm.streams.update(topology.events.name, { max_age: nanos(10 * 60_000) });

    const results = await ensureStreams(nc, topology);
    expect(results.find((r) => r.name === topology.events.name)?.action).toBe('updated');
    expect((await jsm.streams.info(topology.events.name)).config.max_age).toBe(nanos(topology.events.maxAgeMs));
  });

  it('refuses to silently keep a stream with the wrong retention', async () => {
    const topology = fresh();
    await jsm.streams.add({ name: topology.jobs.name, subjects: [...topology.jobs.subjects], retention: RetentionPolicy.Limits });
    await expect(ensureStreams(nc, topology)).rejects.toBeInstanceOf(StreamConfigConflictError);
  });

  it('gives up on the first connection after the bounded wait', async () => {
    await expect(connectNats({ url: 'nats://127.0.0.1:1', name: 'nowhere', connectTimeoutMs: 500 })).rejects.toBeInstanceOf(NatsConnectError);
  });
});
