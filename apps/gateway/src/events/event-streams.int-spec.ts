import { jetstreamManager } from '@nats-io/jetstream';
import { closeNats, connectNats, ensureStreams, JetStreamPublisher, type NatsConnection, type Topology } from '@sluice/messaging';
import { isolatedTopology, removeTopology } from '@sluice/messaging/testing';
import { toProblem } from '@sluice/runtime';
import { createLogger } from '@sluice/telemetry';
import { eventually, openSse } from '@sluice/testing';
import type { EventSourceMessage } from 'eventsource-parser';
import Fastify, { type FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { EventStreams } from './event-streams';

jest.setTimeout(30_000);

const Event = z.strictObject({ thing: z.string(), type: z.enum(['tick', 'done']), n: z.int() });
type Event = z.infer<typeof Event>;

describe('EventStreams: a JetStream subject as Server-Sent Events', () => {
  let nc: NatsConnection;
  let topology: Topology;
  let publisher: JetStreamPublisher;
  let streams: EventStreams;
  let limited: EventStreams;
  let app: FastifyInstance;
  let base: string;
  /** what the route says about each thing: whether it had ended when the stream opened */
  const endedThings = new Set<string>();

  beforeAll(async () => {
    nc = await connectNats({ url: process.env.NATS_URL!, name: 'event-streams-test' });
    topology = isolatedTopology();
    await ensureStreams(nc, topology);
    publisher = new JetStreamPublisher(nc);
    streams = new EventStreams(nc, topology, createLogger('gateway-test', 'silent'), { keepAliveMs: 200 });
    limited = new EventStreams(nc, topology, createLogger('gateway-test', 'silent'), { maxOpenStreams: 1 });
    app = Fastify();
    app.setErrorHandler((error, _request, reply) => {
      const problem = toProblem(error);
      void reply.status(problem.status).type('application/problem+json').send(problem);
    });
    app.get<{ Params: { thing: string } }>('/things/:thing/events', async (request, reply) => {
      const { thing } = request.params;
      await streams.serve(request, reply, {
        subject: `events.thing.${thing}.>`,
        schema: Event,
        state: { event: 'state', data: { thing, ended: endedThings.has(thing) } },
        ended: endedThings.has(thing),
        isFinal: (e: Event) => e.type === 'done',
      });
    });
    app.get<{ Params: { thing: string } }>('/limited/:thing/events', async (request, reply) => {
      const { thing } = request.params;
      await limited.serve(request, reply, { subject: `events.thing.${thing}.>`, schema: Event, state: { event: 'state', data: {} }, ended: false, isFinal: () => false });
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await streams?.beforeApplicationShutdown();
    await limited?.beforeApplicationShutdown();
    await app?.close();
    if (nc) {
      await removeTopology(nc, topology);
      await closeNats(nc);
    }
  });

  const publish = async (thing: string, type: Event['type'], n: number) => {
    const { seq } = await publisher.publish(topology.subject(`events.thing.${thing}.${type}`), { thing, type, n });
    return seq;
  };
  const consumerCount = async () => (await (await jetstreamManager(nc)).streams.info(topology.events.name)).state.consumer_count;
  const dataOf = (events: EventSourceMessage[]) => events.map((e) => ({ id: e.id, event: e.event, ...JSON.parse(e.data) }));

  it('sends the state, then stored and new events with their sequence as id, and ends after the final one', async () => {
    const first = await publish('a', 'tick', 1);
    await publish('other', 'tick', 99);
    const client = await openSse(`${base}/things/a/events`);
    expect(client.status).toBe(200);
    expect(client.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    await eventually(() => client.events.length === 2, Boolean, 10_000);
    const second = await publish('a', 'tick', 2);
    const last = await publish('a', 'done', 3);
    await client.ended;
    expect(dataOf(client.events)).toEqual([
      { id: undefined, event: 'state', thing: 'a', ended: false },
      { id: String(first), event: 'tick', thing: 'a', type: 'tick', n: 1 },
      { id: String(second), event: 'tick', thing: 'a', type: 'tick', n: 2 },
      { id: String(last), event: 'done', thing: 'a', type: 'done', n: 3 },
    ]);
    await eventually(async () => (await consumerCount()) === 0, Boolean, 10_000);
    expect(streams.size).toBe(0);
  });

  it('resumes after Last-Event-ID without repeating an event', async () => {
    const seqs = [await publish('b', 'tick', 1), await publish('b', 'tick', 2), await publish('b', 'tick', 3)];
    const client = await openSse(`${base}/things/b/events`, { 'last-event-id': String(seqs[1]) });
    await eventually(() => client.events.length === 2, Boolean, 10_000);
    await publish('b', 'done', 4);
    await client.ended;
    expect(client.events.map((e) => [e.event, e.id])).toEqual([
      ['state', undefined],
      ['tick', String(seqs[2])],
      ['done', expect.any(String)],
    ]);
  });

  it('refuses a Last-Event-ID it did not send with a problem naming the header, opening nothing', async () => {
    const res = await fetch(`${base}/things/c/events`, { headers: { 'last-event-id': 'yesterday' } });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(await res.json()).toMatchObject({ status: 400, errors: [{ path: 'Last-Event-ID' }] });
    expect(await consumerCount()).toBe(0);
  });

  it('deletes the consumer when the client goes away', async () => {
    const client = await openSse(`${base}/things/d/events`);
    await eventually(() => client.events.length === 1, Boolean, 10_000);
    expect(await consumerCount()).toBe(1);
    expect(streams.size).toBe(1);
    client.close();
    await eventually(async () => (await consumerCount()) === 0 && streams.size === 0, Boolean, 10_000);
  });

  it('keeps a quiet stream alive with comments', async () => {
    const client = await openSse(`${base}/things/e/events`);
    await eventually(() => client.comments.length >= 2, Boolean, 10_000);
    expect(client.events.map((e) => e.event)).toEqual(['state']);
    client.close();
    await eventually(() => streams.size === 0, Boolean, 10_000);
  });

  it('streams what is stored of a thing that had ended, then ends without waiting', async () => {
    endedThings.add('f');
    await publish('f', 'tick', 1);
    await publish('f', 'tick', 2);
    const client = await openSse(`${base}/things/f/events`);
    await client.ended;
    expect(client.events.map((e) => e.event)).toEqual(['state', 'tick', 'tick']);

    endedThings.add('g');
    const empty = await openSse(`${base}/things/g/events`);
    await empty.ended;
    expect(empty.events.map((e) => e.event)).toEqual(['state']);
    await eventually(async () => (await consumerCount()) === 0, Boolean, 10_000);
  });

  it('skips a message that does not match the schema', async () => {
    await publisher.publish(topology.subject('events.thing.h.tick'), { thing: 'h', type: 'tick', n: 'not a number' });
    await publish('h', 'done', 2);
    const client = await openSse(`${base}/things/h/events`);
    await client.ended;
    expect(dataOf(client.events).map((e) => [e.event, e.n])).toEqual([
      ['state', undefined],
      ['done', 2],
    ]);
  });

  it('refuses a stream over the limit of open streams with a 503, opening nothing', async () => {
    const first = await openSse(`${base}/limited/k/events`);
    await eventually(() => first.events.length === 1, Boolean, 10_000);
    const refused = await fetch(`${base}/limited/l/events`);
    expect(refused.status).toBe(503);
    await refused.body?.cancel();
    expect(await consumerCount()).toBe(1);
    first.close();
    await eventually(() => limited.size === 0, Boolean, 10_000);
    const next = await openSse(`${base}/limited/l/events`);
    expect(next.status).toBe(200);
    next.close();
    await eventually(async () => limited.size === 0 && (await consumerCount()) === 0, Boolean, 10_000);
  });

  it('ends every open stream at shutdown, and opens no new one', async () => {
    const clients = [await openSse(`${base}/things/i/events`), await openSse(`${base}/things/j/events`)];
    await eventually(() => clients.every((c) => c.events.length === 1), Boolean, 10_000);
    await streams.beforeApplicationShutdown();
    await Promise.all(clients.map((c) => c.ended));
    expect(streams.size).toBe(0);
    expect(await consumerCount()).toBe(0);
    expect((await fetch(`${base}/things/m/events`)).status).toBe(503);
    expect(await consumerCount()).toBe(0);
  });
});
