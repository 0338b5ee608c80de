import { ApiClient } from '../api/api-client';
import { ApiProblemError, CliError } from '../errors/cli-errors';
import { openSse, sendProblem, TestGateway, writeSse } from '../testing';
import { watchEventStream, type StreamEvent } from './event-stream';

const timing = { reconnectDelayMs: 10, idleTimeoutMs: 5_000, maxReconnects: 3 };

describe('watchEventStream', () => {
  let gateway: TestGateway;
  let client: ApiClient;

  beforeEach(async () => {
    gateway = await new TestGateway().start();
    client = new ApiClient(gateway.url, { userAgent: 'test' });
  });
  afterEach(() => gateway.stop());

  const open = (lastEventId: string | undefined, signal: AbortSignal) =>
    client.stream('/v1/runs/r/events', lastEventId ? { 'last-event-id': lastEventId } : {}, signal);

  const collectUntil = async (final: string, options: { timing?: typeof timing } = {}) => {
    const events: StreamEvent[] = [];
    await watchEventStream({ open, timing: options.timing ?? timing, onEvent: (e) => (events.push(e), e.type === final) });
    return events;
  };

  it('delivers typed events with JSON data and stops when told to, closing the connection', async () => {
    let closed = false;
    gateway.on('GET /v1/runs/r/events', (_req, res) => {
      openSse(res);
      res.on('close', () => (closed = true));
      writeSse(res, { id: '1', event: 'started', data: { status: 'RUNNING' } });
      res.write(': keep-alive\n\n');
      writeSse(res, { id: '2', event: 'succeeded', data: { status: 'SUCCEEDED' } });
      writeSse(res, { id: '3', event: 'after', data: {} });
    });
    const events = await collectUntil('succeeded');
    expect(events).toEqual([
      { id: '1', type: 'started', data: { status: 'RUNNING' } },
      { id: '2', type: 'succeeded', data: { status: 'SUCCEEDED' } },
    ]);
    expect(gateway.requests[0].headers.accept).toBe('text/event-stream');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(closed).toBe(true);
  });

  it('reconnects after a dropped connection with Last-Event-ID, without losing or repeating events', async () => {
    const all = ['a', 'b', 'c', 'd', 'e'];
    gateway.on('GET /v1/runs/r/events', (req, res) => {
      const after = Number(req.headers['last-event-id'] ?? 0);
      openSse(res);
      // each connection sends two events, then drops
      for (const [i, type] of all.entries()) if (i + 1 > after && i + 1 <= after + 2) writeSse(res, { id: String(i + 1), event: type, data: i + 1 });
      setTimeout(() => res.destroy(), 20);
    });
    const events = await collectUntil('e');
    expect(events.map((e) => e.type)).toEqual(all);
    expect(gateway.requests.map((r) => r.headers['last-event-id'])).toEqual([undefined, '2', '4']);
  });

  it('treats a silent connection as dead and reconnects', async () => {
    let connections = 0;
    gateway.on('GET /v1/runs/r/events', (_req, res) => {
      openSse(res);
      if (++connections === 2) writeSse(res, { id: '1', event: 'done', data: null });
    });
    const events = await collectUntil('done', { timing: { ...timing, idleTimeoutMs: 150 } });
    expect(events.map((e) => e.type)).toEqual(['done']);
    expect(connections).toBe(2);
  });

  it('ends at once with the problem when the stream is refused (404)', async () => {
    gateway.on('GET /v1/runs/r/events', (_req, res) => sendProblem(res, 404, 'Not Found', 'run not found'));
    const error = await watchEventStream({ open, timing, onEvent: () => true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiProblemError);
    expect((error as ApiProblemError).status).toBe(404);
    expect(gateway.requests).toHaveLength(1);
  });

  it('retries a stream answered with 503, then gives up after maxReconnects without events', async () => {
    gateway.on('GET /v1/runs/r/events', (_req, res) => sendProblem(res, 503, 'Service Unavailable'));
    const error = await watchEventStream({ open, timing, onEvent: () => true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).message).toBe('lost the event stream: Service Unavailable');
    expect(gateway.requests).toHaveLength(timing.maxReconnects + 1);
  });

  it('keeps text data that is not JSON as text, and names events without a type "message"', async () => {
    gateway.on('GET /v1/runs/r/events', (_req, res) => {
      openSse(res);
      res.write('data: plain text\n\n');
    });
    const events: StreamEvent[] = [];
    await watchEventStream({ open, timing, onEvent: (e) => (events.push(e), true) });
    expect(events).toEqual([{ type: 'message', data: 'plain text' }]);
  });

  it('stops when the caller aborts', async () => {
    gateway.on('GET /v1/runs/r/events', (_req, res) => openSse(res));
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('stopped by the user')), 100);
    await expect(watchEventStream({ open, timing, onEvent: () => false, signal: controller.signal })).rejects.toThrow('stopped by the user');
  });
});
