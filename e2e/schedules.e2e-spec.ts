import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { scheduledRunId, scheduledTaskId } from '@sluice/schedules';
import { freePort } from '@sluice/testing';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import { ApiClient } from './support/api-client';
import { createIsolatedEnv, ROOT, type IsolatedEnv } from './support/isolated-env';
import { eventually, startPlatform, type Platform } from './support/platform';
import { provideSeattleWeather, SEATTLE_WEATHER_LOAD_STEP } from './support/seattle-weather';
import { portsOf, SERVICES } from '../scripts/platform.cjs';

jest.setTimeout(60_000);

type Problem = { status: number; errors?: { path: string; message: string }[] };
type ScheduleView = { id: string; name: string; cron: string; timezone: string; paused: boolean; nextFireAt: string | null; startDate: string | null };

const job = { startUrls: ['https://example.org/'] };
const EVERY_2S_MS = 2_000;
const PORT_OFFSET = 1700;
const ORCHESTRATOR_GRPC_ADDR = `127.0.0.1:${portsOf(SERVICES.find((s) => s.name === 'orchestrator')!, PORT_OFFSET).grpc}`;
/** A one-step pipeline: the weather file into a staging table. */
const weatherPipeline = (name: string) => `name: ${name}\nsteps:\n${SEATTLE_WEATHER_LOAD_STEP}`;
const YAML_HEADERS = { 'content-type': 'application/yaml' };

describe('schedules: REST, and firing exactly once from two scheduler replicas across a leader change', () => {
  // The operator's ingest directory for the pipeline schedules' file source.
  const fileRoot = mkdtempSync(join(tmpdir(), 'sluice-schedules-'));
  let isolated: IsolatedEnv;
  let platform: Platform;
  let api: ApiClient;
  let db: Client;
  let redis: Redis;
  let second: ChildProcess | undefined;
  let secondExited: Promise<unknown>;

  beforeAll(async () => {
    isolated = await createIsolatedEnv();
    platform = await startPlatform('schedules', {
      portOffset: PORT_OFFSET,
      only: ['gateway', 'scheduler', 'orchestrator', 'ingest'],
      env: { ...isolated.env, RATE_LIMIT_PER_MINUTE: '1000', SLUICE_INGEST_FILE_ROOT: fileRoot },
    });
    api = new ApiClient(platform.url('gateway'));
    db = new Client({ connectionString: isolated.databaseUrl });
    await db.connect();
    redis = new Redis(process.env.REDIS_URL!, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect();

    // A second replica of the scheduler on ports of its own; both compete for the leader lock.
    const [httpPort, grpcPort] = [await freePort(), await freePort()];
    const log = createWriteStream(join(ROOT, '.jest-results', 'schedules.log'), { flags: 'a' });
    second = spawn(process.execPath, [join(ROOT, 'apps/scheduler/dist/main.js')], {
      cwd: ROOT,
      env: { ...process.env, ...isolated.env, HTTP_PORT: String(httpPort), GRPC_PORT: String(grpcPort), ORCHESTRATOR_GRPC_ADDR, OTEL_SERVICE_NAME: 'scheduler-2' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    second.stdout?.on('data', (chunk: Buffer) => log.write(`scheduler-2 | ${chunk.toString()}`));
    second.stderr?.on('data', (chunk: Buffer) => log.write(`scheduler-2 | ${chunk.toString()}`));
    secondExited = new Promise((resolve) => second!.once('exit', resolve));
    await eventually(
      () => fetch(`http://127.0.0.1:${httpPort}/health/ready`).then((r) => r.status, () => 0),
      (status) => status === 200,
      30_000,
      200,
    );
  }, 180_000);

  afterAll(async () => {
    if (second && second.exitCode === null && second.signalCode === null) {
      second.kill('SIGTERM');
      await secondExited;
    }
    await platform?.stop();
    await db?.end();
    redis?.disconnect();
    await isolated?.dispose();
    rmSync(fileRoot, { recursive: true, force: true });
  }, 60_000);

  const tasksOf = async (scheduleId: string) =>
    (await db.query<{ id: string }>(`SELECT id FROM scheduler.tasks WHERE created_by = $1`, [`schedule:${scheduleId}`])).rows.map((r) => r.id);

  /** Each task (or run) as its fire time: the even second whose derived id it is (any other id is a failure). */
  const fireTimesOf = (scheduleId: string, ids: string[], from: number, to: number, idOf = scheduledTaskId) => {
    const byId = new Map<string, number>();
    for (let t = Math.floor(from / EVERY_2S_MS) * EVERY_2S_MS; t <= to; t += EVERY_2S_MS) byId.set(idOf(scheduleId, new Date(t)), t);
    return ids.map((id) => byId.get(id) ?? Number.NaN);
  };

  type RunRow = { id: string; status: string; created_by: string; params: Record<string, unknown> | null };
  const runsOf = async (tenantId: string, pipeline: string) =>
    (await db.query<RunRow>(`SELECT id, status::text AS status, created_by, params FROM pipeline.runs WHERE tenant_id = $1 AND pipeline = $2`, [tenantId, pipeline])).rows;

  it('creates, reads, lists, changes, pauses and deletes schedules, refusing bad input naming the field', async () => {
    const session = await api.signup('sched');
    const auth = { token: session.accessToken };
    const created = await api.request<ScheduleView>('POST', '/v1/schedules', {
      auth,
      body: { name: 'nightly', cron: '30 2 * * *', timezone: 'Europe/Berlin', target: { kind: 'scrape', job } },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'nightly', timezone: 'Europe/Berlin', paused: false, missedRuns: 'skip' });

    const bad = async (body: Record<string, unknown>) => {
      const res = await api.request<Problem>('POST', '/v1/schedules', { auth, body: { name: 'bad', cron: '0 * * * *', target: { kind: 'scrape', job }, ...body } });
      expect(res.status).toBe(400);
      return res.body.errors?.map((e) => e.path);
    };
    expect(await bad({ cron: 'every day' })).toEqual(['cron']);
    expect(await bad({ timezone: 'Mars/Olympus' })).toEqual(['timezone']);
    expect(await bad({ startDate: '2023-02-29' })).toEqual(['startDate']);
    expect(await bad({ startDate: '2026-05-02', endDate: '2026-05-01' })).toEqual(['endDate']);
    expect(await bad({ target: { kind: 'scrape', job: { startUrls: [] } } })).toEqual(['target.job.startUrls']);
    // a pipeline target names one of the organization's pipelines, spelled as pipeline names are
    expect(await bad({ target: { kind: 'pipeline', pipeline: 'movies' } })).toEqual(['target.pipeline']);
    expect(await bad({ target: { kind: 'pipeline', pipeline: 'Movies; drop table' } })).toEqual(['target.pipeline']);
    expect(await bad({ target: { kind: 'pipeline', pipeline: 'movies', params: 'today' } })).toEqual(['target.params']);
    expect((await api.request('POST', '/v1/schedules', { auth, body: { name: 'nightly', cron: '0 * * * *', target: { kind: 'scrape', job } } })).status).toBe(409);

    expect((await api.request('PATCH', `/v1/schedules/${created.body.id}`, { auth, body: { startDate: '2026-03-28' } })).status).toBe(200);
    const next = await api.request<{ timezone: string; fireTimes: string[] }>('GET', `/v1/schedules/${created.body.id}/next?count=3`, { auth });
    expect(next.status).toBe(200);
    expect(next.body.timezone).toBe('Europe/Berlin');
    expect(next.body.fireTimes).toHaveLength(3);
    for (const t of next.body.fireTimes) expect(t).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    // instants in UTC that are 02:30 on the wall clocks of the schedule's zone
    const berlin = (iso: string) => new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(iso));
    expect(next.body.fireTimes.map(berlin)).toEqual(['02:30', '02:30', '02:30']);

    const patched = await api.request<ScheduleView>('PATCH', `/v1/schedules/${created.body.id}`, { auth, body: { cron: '0 6 * * 1-5', startDate: null } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ cron: '0 6 * * 1-5', startDate: null, name: 'nightly' });
    const badPatch = await api.request<Problem>('PATCH', `/v1/schedules/${created.body.id}`, { auth, body: { startDate: '2026-05-02', endDate: '2026-05-01' } });
    expect(badPatch.body.errors?.map((e) => e.path)).toEqual(['endDate']);

    const list = await api.request<{ items: ScheduleView[]; nextCursor: string | null }>('GET', '/v1/schedules?limit=10', { auth });
    expect(list.body.items.map((s) => s.id)).toEqual([created.body.id]);

    const other = await api.signup('other');
    for (const [method, path] of [
      ['GET', `/v1/schedules/${created.body.id}`],
      ['PATCH', `/v1/schedules/${created.body.id}`],
      ['POST', `/v1/schedules/${created.body.id}/pause`],
      ['GET', `/v1/schedules/${created.body.id}/next`],
      ['DELETE', `/v1/schedules/${created.body.id}`],
    ] as const) {
      const res = await api.request(method, path, { auth: { token: other.accessToken }, ...(method === 'PATCH' ? { body: { cron: '0 * * * *' } } : {}) });
      expect(`${method} ${res.status}`).toBe(`${method} 404`);
    }
    expect((await api.request<{ items: unknown[] }>('GET', '/v1/schedules', { auth: { token: other.accessToken } })).body.items).toEqual([]);

    expect((await api.request<ScheduleView>('POST', `/v1/schedules/${created.body.id}/pause`, { auth })).body.paused).toBe(true);
    expect((await api.request<ScheduleView>('POST', `/v1/schedules/${created.body.id}/resume`, { auth })).body.paused).toBe(false);
    expect((await api.request('DELETE', `/v1/schedules/${created.body.id}`, { auth })).status).toBe(204);
    expect((await api.request('GET', `/v1/schedules/${created.body.id}`, { auth })).status).toBe(404);

    const audit = await api.request<{ items: { action: string; outcome: string }[] }>('GET', '/v1/admin/audit?action=schedule.create', { auth });
    expect(audit.body.items.map((e) => e.outcome)).toEqual(expect.arrayContaining(['success', 'failure']));
  });

  it('pausing stops firing', async () => {
    const session = await api.signup('pause');
    const auth = { token: session.accessToken };
    const { body: schedule } = await api.request<ScheduleView>('POST', '/v1/schedules', { auth, body: { name: 'every-second', cron: '* * * * * *', target: { kind: 'scrape', job } } });
    await eventually(() => tasksOf(schedule.id), (ids) => ids.length >= 2, 15_000, 200);
    await api.request('POST', `/v1/schedules/${schedule.id}/pause`, { auth });
    const atPause = (await tasksOf(schedule.id)).length;
    await new Promise((r) => setTimeout(r, 3_500));
    // a tick that read the schedule just before the pause may still fire once; a running schedule would fire 3 more
    expect((await tasksOf(schedule.id)).length).toBeLessThanOrEqual(atPause + 1);
  });

  it('fires a pipeline schedule as runs whose ids come from (schedule, fire time): one per fire time from two replicas, and they succeed', async () => {
    const session = await api.signup('pipe');
    const auth = { token: session.accessToken };
    const tenantId = session.organization.id;
    provideSeattleWeather(fileRoot, tenantId);
    expect((await api.request('PUT', '/v1/pipelines/weather', { auth, body: weatherPipeline('weather'), headers: YAML_HEADERS })).status).toBe(200);

    const startedAt = Date.now();
    const created = await api.request<ScheduleView>('POST', '/v1/schedules', {
      auth,
      body: { name: 'weather-every-2s', cron: '*/2 * * * * *', target: { kind: 'pipeline', pipeline: 'weather', params: { source: 'schedule' } } },
    });
    expect(created.status).toBe(201);
    const schedule = created.body;
    await eventually(() => runsOf(tenantId, 'weather'), (rows) => rows.filter((r) => r.status === 'SUCCEEDED').length >= 2, 45_000, 250);
    await api.request('POST', `/v1/schedules/${schedule.id}/pause`, { auth });
    // a tick that read the schedule before the pause may still start one more run: let it end
    const rows = await eventually(() => runsOf(tenantId, 'weather'), (all) => all.every((r) => ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(r.status)), 30_000, 250);

    // every run is a fire time's own run, started as the schedule, and no fire time has two
    const fired = fireTimesOf(schedule.id, rows.map((r) => r.id), startedAt - EVERY_2S_MS, Date.now() + EVERY_2S_MS, scheduledRunId);
    expect(fired.filter((t) => Number.isNaN(t))).toEqual([]);
    expect(new Set(fired).size).toBe(fired.length);
    expect(rows.map((r) => [r.status, r.created_by, r.params])).toEqual(rows.map(() => ['SUCCEEDED', `schedule:${schedule.id}`, { source: 'schedule' }]));

    const run = await api.request<{ status: string; steps: { id: string; status: string; rowsOut: number }[] }>('GET', `/v1/runs/${rows[0]!.id}`, { auth });
    expect(run.body).toMatchObject({ status: 'SUCCEEDED', steps: [{ id: 'load', status: 'SUCCEEDED', rowsOut: 1461 }] });
  });

  it('lists the organization\'s pipelines a page at a time, each once, and refuses a cursor it did not make', async () => {
    const session = await api.signup('list');
    const auth = { token: session.accessToken };
    const names = ['list-a', 'list-b', 'list-c', 'list-d', 'list-e'];
    for (const name of names) expect((await api.request('PUT', `/v1/pipelines/${name}`, { auth, body: weatherPipeline(name), headers: YAML_HEADERS })).status).toBe(200);

    type Page = { items: { name: string; version: number }[]; nextCursor: string | null };
    const listed: string[] = [];
    let cursor: string | null = '';
    for (let pages = 0; cursor !== null && pages < 10; pages++) {
      const res: { status: number; body: Page } = await api.request<Page>('GET', `/v1/pipelines?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { auth });
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(2);
      listed.push(...res.body.items.map((p) => p.name));
      cursor = res.body.nextCursor;
    }
    expect(cursor).toBeNull();
    expect([...listed].sort()).toEqual(names);

    const bad = await api.request<Problem>('GET', '/v1/pipelines?cursor=bm90LWEtY3Vyc29y', { auth });
    expect(bad.status).toBe(400);
    expect(bad.body.errors?.map((e) => e.path)).toEqual(['cursor']);
    const other = await api.signup('list-other');
    expect((await api.request<Page>('GET', '/v1/pipelines', { auth: { token: other.accessToken } })).body).toEqual({ items: [], nextCursor: null });
  });

  it('fires every fire time exactly once across both replicas, also when the leader is killed', async () => {
    const session = await api.signup('fire');
    const auth = { token: session.accessToken };
    const startedAt = Date.now();
    const { body: schedule } = await api.request<ScheduleView>('POST', '/v1/schedules', { auth, body: { name: 'every-2s', cron: '*/2 * * * * *', target: { kind: 'scrape', job } } });
    expect(schedule.id).toBeDefined();
    await eventually(() => tasksOf(schedule.id), (ids) => ids.length >= 3, 20_000, 200);

    const lockState = `${isolated.env.SLUICE_REDIS_PREFIX}:lock-state:scheduler-leader`;
    const leaderOwner = await redis.hget(lockState, 'owner');
    const platformPid = platform.running.find((r) => r.spec.name === 'scheduler')!.child.pid!;
    const pids = [platformPid, second!.pid!];
    const leaderPid = pids.find((pid) => leaderOwner === `${hostname()}/${pid}`);
    expect(leaderPid).toBeDefined();
    const survivorPid = pids.find((pid) => pid !== leaderPid)!;

    const killedAt = Date.now();
    if (leaderPid === platformPid) await platform.kill('scheduler', 'SIGKILL');
    else {
      second!.kill('SIGKILL');
      await secondExited;
    }
    await eventually(() => redis.hget(lockState, 'owner'), (owner) => owner === `${hostname()}/${survivorPid}`, 15_000, 200);
    const fired = await eventually(
      async () => fireTimesOf(schedule.id, await tasksOf(schedule.id), startedAt - EVERY_2S_MS, Date.now() + EVERY_2S_MS),
      (times) => times.filter((t) => t > killedAt).length >= 3,
      25_000,
      250,
    );
    // every task is a real fire time of the schedule, and no fire time has two tasks
    expect(fired.filter((t) => Number.isNaN(t))).toEqual([]);
    expect(new Set(fired).size).toBe(fired.length);
    // the only gap is the handover: the dead leader's lease (5 s) plus a tick, never a pile of late runs
    const sorted = [...fired].sort((a, b) => a - b);
    const gaps = sorted.slice(1).map((t, i) => t - sorted[i]);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(10_000);
    expect(gaps.filter((g) => g > EVERY_2S_MS).length).toBeLessThanOrEqual(1);
  });
});
