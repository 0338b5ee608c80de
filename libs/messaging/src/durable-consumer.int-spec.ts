import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { Registry } from 'prom-client';
import { z } from 'zod';
import {
  closeNats,
  connectNats,
  DEAD_LETTER_HEADERS,
  ensureStreams,
  JetStreamPublisher,
  startConsumer,
  type DeadLetter,
  type MessageContext,
  type MessagingLogger,
  type NatsConnection,
  type RunningConsumer,
  type Topology,
} from './index';
import { eventually, isolatedTopology, removeTopology } from './testing';

const quietLogger: MessagingLogger = { warn: () => undefined, error: () => undefined };
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('durable consumer (real NATS)', () => {
  jest.setTimeout(30_000);
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let publisher: JetStreamPublisher;
  const topologies: Topology[] = [];
  const running: RunningConsumer[] = [];

  async function freshTopology(): Promise<Topology> {
    const topology = isolatedTopology();
    topologies.push(topology);
    await ensureStreams(nc, topology);
    return topology;
  }
  async function consumer<T>(options: Parameters<typeof startConsumer<T>>[1]): Promise<RunningConsumer> {
    const c = await startConsumer<T>(nc, { pullExpiresMs: 1_000, logger: quietLogger, ...options });
    running.push(c);
    return c;
  }
  async function lastDeadLetter(topology: Topology, subject: string) {
    return jsm.streams.getMessage(topology.deadLetters.name, { last_by_subj: topology.deadLetterSubject(subject) }).catch(() => null);
  }
  async function storedCount(stream: string): Promise<number> {
    return (await jsm.streams.info(stream)).state.messages;
  }

  beforeAll(async () => {
    nc = await connectNats({ url: process.env.NATS_URL ?? 'nats://127.0.0.1:4222', name: 'messaging-int-consumer' });
    jsm = await jetstreamManager(nc);
    publisher = new JetStreamPublisher(nc);
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((c) => c.stop()));
  });
  afterAll(async () => {
    for (const t of topologies) await removeTopology(nc, t);
    await closeNats(nc);
  });

  it('redelivers a message whose handler failed, then acks it once the handler succeeds', async () => {
    const topology = await freshTopology();
    const subject = topology.subject('jobs.flaky');
    const registry = new Registry();
    const deliveries: number[] = [];
    const acked: string[] = [];
    await consumer<{ n: number }>({
      topology,
      stream: topology.jobs.name,
      durable: 'flaky',
      filterSubject: subject,
      ackWaitMs: 2_000,
      backoffMs: [200, 400],
      registry,
      handler: async (payload, ctx) => {
        deliveries.push(ctx.deliveryCount);
        if (ctx.deliveryCount < 3) throw new Error(`transient failure ${ctx.deliveryCount}`);
        acked.push(`${payload.n}:${ctx.redelivered}`);
      },
    });

    await publisher.publish(subject, { n: 7 });

    await eventually(() => acked.length === 1, 10_000, 'the third delivery to succeed');
    expect(deliveries).toEqual([1, 2, 3]);
    expect(acked).toEqual(['7:true']);
    await eventually(async () => (await storedCount(topology.jobs.name)) === 0, 5_000, 'the work queue to drop the acked message');
    const handled = await registry.getSingleMetricAsString('sluice_messaging_handled_total');
    expect(handled).toMatch(/outcome="retry"\} 2/);
    expect(handled).toMatch(/outcome="ok"\} 1/);
    expect(await registry.getSingleMetricAsString('sluice_messaging_redeliveries_total')).toMatch(/\} 2/);
  });

  it('delivers a successfully handled message exactly once, even past the ack wait', async () => {
    const topology = await freshTopology();
    const subject = topology.subject('jobs.once');
    const seen: number[] = [];
    await consumer({
      topology,
      stream: topology.jobs.name,
      durable: 'once',
      filterSubject: subject,
      ackWaitMs: 1_000,
      handler: (_payload, ctx) => {
        seen.push(ctx.deliveryCount);
      },
    });

    await publisher.publish(subject, { hello: 'world' });
    await eventually(() => seen.length === 1, 5_000, 'the delivery');
    await pause(2_500);

    expect(seen).toEqual([1]);
    const info = await jsm.consumers.info(topology.jobs.name, 'once');
    expect(info.num_ack_pending).toBe(0);
    expect(info.num_redelivered).toBe(0);
    expect(await storedCount(topology.jobs.name)).toBe(0);
  });

  it('keeps a long handler alive with heartbeats instead of letting the ack wait expire', async () => {
    const topology = await freshTopology();
    const subject = topology.subject('jobs.slow');
    const seen: number[] = [];
    await consumer({
      topology,
      stream: topology.jobs.name,
      durable: 'slow',
      filterSubject: subject,
      ackWaitMs: 1_000,
      concurrency: 2,
      handler: async (_payload, ctx) => {
        seen.push(ctx.deliveryCount);
        await pause(3_000);
      },
    });

    await publisher.publish(subject, { long: true });
    await eventually(async () => (await storedCount(topology.jobs.name)) === 0, 10_000, 'the slow message to be acked');
    expect(seen).toEqual([1]);
  });

  it('stores a message published twice with the same msgId once', async () => {
    const topology = await freshTopology();
    const subject = topology.subject('jobs.dedupe');

    const first = await publisher.publish(subject, { task: 'a' }, { msgId: 'task-a' });
    const second = await publisher.publish(subject, { task: 'a' }, { msgId: 'task-a' });
    const other = await publisher.publish(subject, { task: 'b' }, { msgId: 'task-b' });

    expect(first.duplicate).toBe(false);
    expect(second).toEqual({ stream: topology.jobs.name, seq: first.seq, duplicate: true });
    expect(other.duplicate).toBe(false);
    expect(await storedCount(topology.jobs.name)).toBe(2);
  });

  it('dead-letters a message whose handler fails on every allowed delivery, with the reason', async () => {
    const topology = await freshTopology();
    const subject = topology.subject('jobs.doomed');
    const letters: DeadLetter[] = [];
    const attempts: number[] = [];
    await consumer({
      topology,
      stream: topology.jobs.name,
      durable: 'doomed',
      filterSubject: subject,
      maxDeliver: 3,
      ackWaitMs: 2_000,
      backoffMs: [100, 200],
      onDeadLetter: (letter) => {
        letters.push(letter);
      },
      handler: (_payload, ctx) => {
        attempts.push(ctx.deliveryCount);
        throw new Error('upstream said 500');
      },
    });

    await publisher.publish(subject, { taskId: 'doomed-1' }, { msgId: 'doomed-1' });

    await eventually(() => letters.length === 1, 10_000, 'onDeadLetter');
    expect(attempts).toEqual([1, 2, 3]);
    expect(letters[0]).toMatchObject({
      reason: 'handler_failed',
      detail: 'upstream said 500',
      originalSubject: subject,
      stream: topology.jobs.name,
      deliveries: 3,
      msgId: 'doomed-1',
      payload: { taskId: 'doomed-1' },
    });
    const stored = await eventually(() => lastDeadLetter(topology, subject), 5_000, 'the dead letter');
    expect(stored.json()).toEqual({ taskId: 'doomed-1' });
    expect(stored.header.get(DEAD_LETTER_HEADERS.subject)).toBe(subject);
    expect(stored.header.get(DEAD_LETTER_HEADERS.reason)).toBe('handler_failed');
    expect(stored.header.get(DEAD_LETTER_HEADERS.deliveries)).toBe('3');
    expect(stored.header.get(DEAD_LETTER_HEADERS.sequence)).toBe(String(letters[0].streamSequence));
    expect(stored.header.get(DEAD_LETTER_HEADERS.detail)).toBe('upstream said 500');
    await eventually(async () => (await storedCount(topology.jobs.name)) === 0, 5_000, 'the work queue to drop the dead message');
    // Past the ack wait: the terminated message neither comes back nor gets dead-lettered twice.
    await pause(2_500);
    expect(attempts).toEqual([1, 2, 3]);
    expect(letters).toHaveLength(1);
  });

  it('dead-letters a message the server gave up on after max deliveries without an ack (hung worker)', async () => {
    const topology = await freshTopology();
    const subject = topology.subject('jobs.hung');
    const letters: DeadLetter[] = [];
    const attempts: number[] = [];
    await consumer({
      topology,
      stream: topology.jobs.name,
      durable: 'hung',
      filterSubject: subject,
      maxDeliver: 2,
      ackWaitMs: 1_000,
      autoHeartbeat: false,
      concurrency: 3,
      stopTimeoutMs: 200,
      onDeadLetter: (letter) => {
        letters.push(letter);
      },
      // Never finishes on its own: only the server's ack wait gets the message moving again.
      handler: (_payload, ctx) => {
        attempts.push(ctx.deliveryCount);
        return new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve(), { once: true }));
      },
    });

    await publisher.publish(subject, { taskId: 'hung-1' });

    await eventually(() => letters.length === 1, 15_000, 'the max-deliveries dead letter');
    expect(attempts).toEqual([1, 2]);
    expect(letters[0]).toMatchObject({ reason: 'max_deliveries', deliveries: 2, originalSubject: subject, payload: { taskId: 'hung-1' } });
    const stored = await eventually(() => lastDeadLetter(topology, subject), 5_000, 'the dead letter');
    expect(stored.header.get(DEAD_LETTER_HEADERS.reason)).toBe('max_deliveries');
    expect(await storedCount(topology.jobs.name)).toBe(0);
  });

  it('dead-letters a payload that fails the schema without retrying it', async () => {
    const topology = await freshTopology();
    const subject = topology.subject('jobs.typed');
    const letters: DeadLetter[] = [];
    const handled: unknown[] = [];
    await consumer({
      topology,
      stream: topology.jobs.name,
      durable: 'typed',
      filterSubject: subject,
      maxDeliver: 5,
      ackWaitMs: 1_000,
      schema: z.object({ taskId: z.string().uuid() }),
      onDeadLetter: (letter) => {
        letters.push(letter);
      },
      handler: (payload) => {
        handled.push(payload);
      },
    });

    await publisher.publish(subject, { taskId: 42 });

    await eventually(() => letters.length === 1, 5_000, 'the invalid payload to be dead-lettered');
    expect(letters[0]).toMatchObject({ reason: 'invalid_payload', deliveries: 1, payload: { taskId: 42 } });
    expect(letters[0].detail).toMatch(/taskId/);
    const stored = await eventually(() => lastDeadLetter(topology, subject), 5_000, 'the dead letter');
    expect(stored.header.get(DEAD_LETTER_HEADERS.reason)).toBe('invalid_payload');
    await pause(1_500);
    expect(handled).toEqual([]);
    expect(letters).toHaveLength(1);
    const info = await jsm.consumers.info(topology.jobs.name, 'typed');
    expect(info.num_redelivered).toBe(0);
    expect(await storedCount(topology.jobs.name)).toBe(0);
  });

  it('hands an in-flight message back on stop, so the next consumer gets it', async () => {
    const topology = await freshTopology();
    const subject = topology.subject('jobs.handback');
    let firstCtx: MessageContext | undefined;
    const first = await startConsumer(nc, {
      topology,
      stream: topology.jobs.name,
      durable: 'handback',
      filterSubject: subject,
      ackWaitMs: 30_000,
      stopTimeoutMs: 300,
      pullExpiresMs: 1_000,
      logger: quietLogger,
      handler: (_payload, ctx) => {
        firstCtx = ctx;
        return new Promise<void>(() => undefined);
      },
    });
    await publisher.publish(subject, { job: 1 });
    await eventually(() => firstCtx, 5_000, 'the first consumer to start the job');

    await first.stop();
    expect(firstCtx?.signal.aborted).toBe(true);

    const second: number[] = [];
    await consumer({
      topology,
      stream: topology.jobs.name,
      durable: 'handback',
      filterSubject: subject,
      ackWaitMs: 30_000,
      handler: (_payload, ctx) => {
        second.push(ctx.deliveryCount);
      },
    });
    // Well inside the 30 s ack wait: it came back because it was handed back, not because it timed out.
    await eventually(() => second.length === 1, 5_000, 'the second consumer to get the job');
    expect(second).toEqual([2]);
  });

  it('runs at most `concurrency` handlers at once', async () => {
    const topology = await freshTopology();
    const subject = topology.subject('jobs.parallel');
    let active = 0;
    let peak = 0;
    let done = 0;
    await consumer({
      topology,
      stream: topology.jobs.name,
      durable: 'parallel',
      filterSubject: subject,
      concurrency: 3,
      handler: async () => {
        active++;
        peak = Math.max(peak, active);
        await pause(100);
        active--;
        done++;
      },
    });

    await Promise.all(Array.from({ length: 12 }, (_, i) => publisher.publish(subject, { i })));
    await eventually(() => done === 12, 10_000, 'all messages');
    expect(peak).toBeLessThanOrEqual(3);
    expect(peak).toBeGreaterThan(1);
  });
});
