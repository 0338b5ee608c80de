import { jetstreamManager } from '@nats-io/jetstream';
import type { TaskEventMessage, TaskEventType } from '@sluice/contracts';
import { closeNats, connectNats, JetStreamPublisher, productionTopology, type NatsConnection, type Topology } from '@sluice/messaging';
import { openSse } from '@sluice/testing';
import { ApiClient, type Session } from './support/api-client';
import { createIsolatedEnv, type IsolatedEnv } from './support/isolated-env';
import { eventually, startPlatform, type Platform } from './support/platform';

jest.setTimeout(60_000);

type Problem = { status: number; detail?: string; errors?: { path: string; message: string }[] };
type TaskView = { id: string; kind: string; status: string; progress: { done: number; failed: number; queued: number }; finishedAt?: string };
type TaskList = { items: TaskView[]; nextCursor: string | null };

const job = { startUrls: ['https://example.org/'] };
const TASK_EVENTS_CONSUMER = 'scheduler-task-events';

describe('tasks over REST: list, stats, cancel, pages and Server-Sent Events', () => {
  let isolated: IsolatedEnv;
  let platform: Platform;
  let api: ApiClient;
  let nc: NatsConnection;
  let topology: Topology;
  let publisher: JetStreamPublisher;

  beforeAll(async () => {
    isolated = await createIsolatedEnv();
    // no scraper and no pipeline workers: tasks stay QUEUED until this test publishes their events,
    // as a worker would, and a run's first step waits for a worker until the run is cancelled
    platform = await startPlatform('tasks', { portOffset: 1900, only: ['gateway', 'scheduler', 'orchestrator'], env: { ...isolated.env, RATE_LIMIT_PER_MINUTE: '1000' } });
    api = new ApiClient(platform.url('gateway'));
    nc = await connectNats({ url: process.env.NATS_URL!, name: 'sluice-e2e-tasks' });
    topology = productionTopology(isolated.id);
    publisher = new JetStreamPublisher(nc);
  }, 180_000);

  afterAll(async () => {
    await platform?.stop();
    if (nc) await closeNats(nc);
    await isolated?.dispose();
  }, 60_000);

  const authOf = (session: Session) => ({ token: session.accessToken });

  const createTask = async (session: Session): Promise<string> => {
    const res = await api.request<{ taskId: string }>('POST', '/v1/scrape-jobs', { auth: authOf(session), body: job });
    expect(res.status).toBe(202);
    return res.body.taskId;
  };

  /** Publishes a task event as the worker running the task would. */
  const publishEvent = async (session: Session, taskId: string, type: TaskEventType, extra: Partial<TaskEventMessage> = {}) => {
    const event: TaskEventMessage = { taskId, tenantId: session.organization.id, type, at: new Date().toISOString(), ...extra };
    return (await publisher.publish(topology.subject(`events.task.${taskId}.${type}`), event)).seq;
  };

  const getTask = async (session: Session, id: string) => (await api.request<TaskView>('GET', `/v1/tasks/${id}`, { auth: authOf(session) })).body;

  /** Waits until the scheduler has handled every task event published so far. */
  const taskEventsHandled = async () => {
    const jsm = await jetstreamManager(nc);
    await eventually(
      () => jsm.consumers.info(topology.events.name, TASK_EVENTS_CONSUMER),
      (info) => info.num_pending === 0 && info.num_ack_pending === 0,
      20_000,
      100,
    );
  };

  /** Consumers on the EVENTS stream other than the services' durable ones: one per open SSE stream. */
  const ephemeralConsumers = async () => {
    const jsm = await jetstreamManager(nc);
    const infos = await jsm.consumers.list(topology.events.name).next();
    return infos.filter((c) => !c.config.durable_name).length;
  };

  it("lists the tenant's tasks newest first, filtered and paged, and counts them by status and kind", async () => {
    const session = await api.signup('list');
    const auth = authOf(session);
    const ids = [await createTask(session), await createTask(session), await createTask(session)];
    const other = await api.signup('list-other');
    const othersTask = await createTask(other);
    await publishEvent(session, ids[0], 'started');
    await eventually(() => getTask(session, ids[0]), (t) => t.status === 'RUNNING', 20_000, 100);

    const first = await api.request<TaskList>('GET', '/v1/tasks?limit=2', { auth });
    expect(first.status).toBe(200);
    expect(first.body.items.map((t) => t.id)).toEqual([ids[2], ids[1]]);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await api.request<TaskList>('GET', `/v1/tasks?limit=2&cursor=${encodeURIComponent(first.body.nextCursor!)}`, { auth });
    expect(second.body).toEqual({ items: [expect.objectContaining({ id: ids[0], status: 'RUNNING', kind: 'scrape' })], nextCursor: null });

    const ids_ = async (query: string) => (await api.request<TaskList>('GET', `/v1/tasks?${query}`, { auth })).body.items.map((t) => t.id);
    expect(await ids_('status=RUNNING')).toEqual([ids[0]]);
    expect(await ids_('status=QUEUED&kind=scrape')).toEqual([ids[2], ids[1]]);
    expect(await ids_('kind=pipeline')).toEqual([]);
    expect(await ids_('')).not.toContain(othersTask);

    const bad = async (query: string) => {
      const res = await api.request<Problem>('GET', `/v1/tasks?${query}`, { auth });
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      return res.body.errors?.map((e) => e.path);
    };
    expect(await bad('status=DONE')).toEqual(['status']);
    expect(await bad('kind=Scrape!')).toEqual(['kind']);
    expect(await bad('limit=0')).toEqual(['limit']);
    expect(await bad('limit=501')).toEqual(['limit']);
    expect(await bad('cursor=not-a-cursor')).toEqual(['cursor']);
    expect(await bad('colour=red')).toHaveLength(1);

    const stats = await api.request('GET', '/v1/tasks/stats', { auth });
    expect(stats.status).toBe(200);
    expect(stats.body).toEqual({
      total: 3,
      byStatus: { QUEUED: 2, RUNNING: 1, SUCCEEDED: 0, FAILED: 0, CANCELLED: 0, INTERRUPTED: 0 },
      byKind: { scrape: 3 },
    });
    expect((await api.request<{ total: number }>('GET', '/v1/tasks/stats', { auth: authOf(other) })).body.total).toBe(1);
  });

  it('cancels a queued or running task, refuses an ended one naming its status, and hides other tenants\' tasks', async () => {
    const session = await api.signup('cancel');
    const auth = authOf(session);
    const queued = await createTask(session);

    const stranger = await api.signup('stranger');
    const denied = await api.request<Problem>('POST', `/v1/tasks/${queued}/cancel`, { auth: authOf(stranger) });
    expect(denied.status).toBe(404);
    expect((await getTask(session, queued)).status).toBe('QUEUED');

    const cancelled = await api.request<TaskView>('POST', `/v1/tasks/${queued}/cancel`, { auth });
    expect(cancelled.status).toBe(202);
    expect(cancelled.body).toMatchObject({ id: queued, status: 'CANCELLED', finishedAt: expect.any(String) });
    expect(await getTask(session, queued)).toMatchObject({ status: 'CANCELLED' });

    // the worker learns of it through the task's `cancelled` event, stored once per task
    const jsm = await jetstreamManager(nc);
    const stored = await jsm.streams.getMessage(topology.events.name, { last_by_subj: topology.subject(`events.task.${queued}.cancelled`) });
    expect(stored?.json<TaskEventMessage>()).toMatchObject({ taskId: queued, tenantId: session.organization.id, type: 'cancelled' });
    expect(stored?.header.get('Nats-Msg-Id')).toBe(`${queued}:cancelled`);

    const again = await api.request<Problem>('POST', `/v1/tasks/${queued}/cancel`, { auth });
    expect(again.status).toBe(409);
    expect(again.headers.get('content-type')).toContain('application/problem+json');
    expect(again.body.detail).toContain('CANCELLED');

    const running = await createTask(session);
    await publishEvent(session, running, 'started');
    await eventually(() => getTask(session, running), (t) => t.status === 'RUNNING', 20_000, 100);
    expect((await api.request<TaskView>('POST', `/v1/tasks/${running}/cancel`, { auth })).body.status).toBe('CANCELLED');
    // the worker's late events change nothing
    await publishEvent(session, running, 'progress', { progress: { done: 5, failed: 0, queued: 0 } });
    await publishEvent(session, running, 'succeeded');
    await taskEventsHandled();
    expect(await getTask(session, running)).toMatchObject({ status: 'CANCELLED', progress: { done: 0, failed: 0, queued: 0 } });

    const finished = await createTask(session);
    await publishEvent(session, finished, 'started');
    await publishEvent(session, finished, 'failed', { error: 'no route to host' });
    await eventually(() => getTask(session, finished), (t) => t.status === 'FAILED', 20_000, 100);
    const late = await api.request<Problem>('POST', `/v1/tasks/${finished}/cancel`, { auth });
    expect(late.status).toBe(409);
    expect(late.body.detail).toContain('FAILED');

    expect((await api.request<Problem>('POST', '/v1/tasks/not-a-uuid/cancel', { auth })).body.errors?.map((e) => e.path)).toEqual(['id']);
    const audit = await api.request<{ items: { action: string; outcome: string }[] }>('GET', '/v1/admin/audit?action=task.cancel', { auth });
    expect(audit.body.items.map((e) => e.outcome)).toEqual(expect.arrayContaining(['success', 'failure']));
  });

  it("lists a task's pages only for the task's own tenant", async () => {
    const session = await api.signup('pages');
    const id = await createTask(session);
    const stranger = await api.signup('pages-other');
    expect((await api.request<Problem>('GET', `/v1/tasks/${id}/pages`, { auth: authOf(stranger) })).status).toBe(404);
    expect((await api.request<Problem>('GET', '/v1/tasks/6f1c1a0e-8a43-4d6b-9a57-5d7a1c6e0b11/pages', { auth: authOf(session) })).status).toBe(404);
    const bad = await api.request<Problem>('GET', `/v1/tasks/${id}/pages?limit=9999`, { auth: authOf(session) });
    expect(bad.status).toBe(400);
    expect(bad.body.errors?.map((e) => e.path)).toEqual(['limit']);
  });

  it('streams a task as Server-Sent Events, resumes after Last-Event-ID without repeats, ends when it ends, and leaves no consumer behind', async () => {
    const session = await api.signup('sse');
    const headers = { authorization: `Bearer ${session.accessToken}` };
    const id = await createTask(session);
    const url = `${platform.url('gateway')}/v1/tasks/${id}/events`;
    const baseline = await ephemeralConsumers();

    const first = await openSse(url, headers);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(first.headers.get('ratelimit')).toEqual(expect.any(String));
    expect(first.headers.get('x-request-id')).toEqual(expect.any(String));
    await eventually(() => first.events.length, (n) => n >= 1, 10_000, 50);
    expect(first.events[0]).toMatchObject({ event: 'state', id: undefined });
    expect(JSON.parse(first.events[0].data)).toMatchObject({ id, status: 'QUEUED' });

    const started = await publishEvent(session, id, 'started');
    const progressed = await publishEvent(session, id, 'progress', { progress: { done: 1, failed: 0, queued: 4 } });
    await eventually(() => first.events.length, (n) => n >= 3, 10_000, 50);
    expect(first.events.slice(1).map((e) => [e.event, e.id])).toEqual([
      ['started', String(started)],
      ['progress', String(progressed)],
    ]);
    expect(JSON.parse(first.events[2].data)).toMatchObject({ taskId: id, type: 'progress', progress: { done: 1, failed: 0, queued: 4 } });
    first.close();
    await eventually(ephemeralConsumers, (n) => n === baseline, 15_000, 100);
    await eventually(() => getTask(session, id), (t) => t.status === 'RUNNING', 20_000, 100);

    // while the client is away
    const missed = await publishEvent(session, id, 'progress', { progress: { done: 3, failed: 0, queued: 2 } });
    const resumed = await openSse(url, { ...headers, 'last-event-id': first.events[2].id! });
    await eventually(() => resumed.events.length, (n) => n >= 2, 10_000, 50);
    expect((await api.request('POST', `/v1/tasks/${id}/cancel`, { auth: authOf(session) })).status).toBe(202);
    await resumed.ended;
    expect(resumed.events.map((e) => e.event)).toEqual(['state', 'progress', 'cancelled']);
    expect(resumed.events[1].id).toBe(String(missed));
    expect(Number(resumed.events[2].id)).toBeGreaterThan(missed);
    expect(JSON.parse(resumed.events[0].data)).toMatchObject({ id, status: 'RUNNING' });
    await eventually(ephemeralConsumers, (n) => n === baseline, 15_000, 100);

    // the task has ended: a new stream replays it and ends by itself
    const replay = await openSse(url, headers);
    await replay.ended;
    expect(replay.events.map((e) => e.event)).toEqual(['state', 'started', 'progress', 'progress', 'cancelled']);
    expect(JSON.parse(replay.events[0].data)).toMatchObject({ status: 'CANCELLED' });
  });

  it('refuses an event stream of another tenant\'s task, an unknown task and a bad Last-Event-ID as problems', async () => {
    const session = await api.signup('sse-deny');
    const id = await createTask(session);
    const stranger = await api.signup('sse-stranger');
    const get = (path: string, headers: Record<string, string>) => fetch(`${platform.url('gateway')}${path}`, { headers, signal: AbortSignal.timeout(10_000) });

    const denied = await get(`/v1/tasks/${id}/events`, { authorization: `Bearer ${stranger.accessToken}` });
    expect(denied.status).toBe(404);
    expect(denied.headers.get('content-type')).toContain('application/problem+json');
    await denied.body?.cancel();
    expect((await get('/v1/tasks/6f1c1a0e-8a43-4d6b-9a57-5d7a1c6e0b11/events', { authorization: `Bearer ${session.accessToken}` })).status).toBe(404);
    expect((await get(`/v1/tasks/${id}/events`, {})).status).toBe(401);

    const bad = await get(`/v1/tasks/${id}/events`, { authorization: `Bearer ${session.accessToken}`, 'last-event-id': 'yesterday' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as Problem).errors?.map((e) => e.path)).toEqual(['Last-Event-ID']);
  });

  it('streams a pipeline run as Server-Sent Events until it ends, for its own tenant only', async () => {
    const session = await api.signup('run-sse');
    const auth = authOf(session);
    const definition = [
      'name: watched',
      'steps:',
      '  - id: load',
      '    kind: ingest',
      '    source: { type: http, url: "https://example.org/movies.json", format: json }',
      '    columns: [{ name: title, type: text }]',
      '',
    ].join('\n');
    expect((await api.request('PUT', '/v1/pipelines/watched', { auth, body: definition, headers: { 'content-type': 'application/yaml' } })).status).toBe(200);
    const started = await api.request<{ runId: string }>('POST', '/v1/pipelines/watched/runs', { auth, body: { params: {} } });
    expect(`${started.status} ${JSON.stringify(started.body)}`).toMatch(/^202 /);
    const { runId } = started.body;
    const url = `${platform.url('gateway')}/v1/runs/${runId}/events`;
    const baseline = await ephemeralConsumers();

    const stream = await openSse(url, { authorization: `Bearer ${session.accessToken}` });
    expect(stream.status).toBe(200);
    await eventually(() => stream.events.length, (n) => n >= 1, 10_000, 50);
    expect(stream.events[0].event).toBe('state');
    expect(JSON.parse(stream.events[0].data)).toMatchObject({ id: runId, pipeline: 'watched', version: 1 });
    expect((await api.request('POST', `/v1/runs/${runId}/cancel`, { auth })).status).toBeLessThan(300);
    await stream.ended;
    const events = stream.events.slice(1);
    expect(events.at(-1)?.event).toBe('cancelled');
    expect(events.every((e) => JSON.parse(e.data).runId === runId)).toBe(true);
    const ids = events.map((e) => Number(e.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    await eventually(ephemeralConsumers, (n) => n === baseline, 15_000, 100);

    const stranger = await api.signup('run-sse-stranger');
    const denied = await fetch(url, { headers: { authorization: `Bearer ${stranger.accessToken}` }, signal: AbortSignal.timeout(10_000) });
    expect(denied.status).toBe(404);
    expect(denied.headers.get('content-type')).toContain('application/problem+json');
    await denied.body?.cancel();
  });

  it('documents the new routes in the OpenAPI document', async () => {
    const doc = await api.request<{ paths: Record<string, Record<string, unknown>> }>('GET', '/docs/openapi.json');
    for (const [path, method] of [
      ['/v1/tasks', 'get'],
      ['/v1/tasks/stats', 'get'],
      ['/v1/tasks/{id}/cancel', 'post'],
      ['/v1/tasks/{id}/pages', 'get'],
      ['/v1/tasks/{id}/events', 'get'],
      ['/v1/runs/{id}/events', 'get'],
    ]) {
      expect(doc.body.paths[path]?.[method]).toBeDefined();
    }
  });
});
