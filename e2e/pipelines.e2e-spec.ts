import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { closeNats, connectNats, productionTopology, type NatsConnection } from '@sluice/messaging';
import { heldOpen, loadCheckCleanPipeline, passedTitleCheck, startScriptedStepWorker, type ScriptedOutcome, type ScriptedStepWorker } from '@sluice/pipeline-runs/testing';
import type { PipelineStepJobMessage } from '@sluice/contracts';
import { Client } from 'pg';
import { ApiClient, type Credentials } from './support/api-client';
import { createIsolatedEnv, ROOT, type IsolatedEnv } from './support/isolated-env';
import { portsOf, SERVICES } from '../scripts/platform.cjs';
import { eventually, startPlatform, type Platform } from './support/platform';

jest.setTimeout(90_000);

// 2000 would put the gateway on 10080, a port fetch refuses to connect to (the Fetch standard's bad ports).
const PORT_OFFSET = 2010;
const ORCHESTRATOR = portsOf(SERVICES.find((s) => s.name === 'orchestrator')!, PORT_OFFSET) as { http: number; grpc: number };

type Problem = { status: number; detail?: string; errors?: { path: string; message: string }[]; runId?: string };
type StepView = { id: string; kind: string; status: string; attempt: number; rowsIn: number | null; rowsOut: number | null; error?: string };
type RunView = { id: string; pipeline: string; version: number; status: string; steps: StepView[]; error?: string };

const YAML_HEADERS = { 'content-type': 'application/yaml' };
const passed = passedTitleCheck(3);

describe('pipelines and runs through REST, with the orchestrator as a process', () => {
  let isolated: IsolatedEnv;
  let platform: Platform;
  let api: ApiClient;
  let db: Client;
  let nc: NatsConnection;
  let worker: ScriptedStepWorker;
  let replacement: ChildProcess | undefined;
  let script: (job: PipelineStepJobMessage, signal: AbortSignal) => ScriptedOutcome | Promise<ScriptedOutcome> = () => ({ type: 'succeeded', rowsIn: 3, rowsOut: 3 });

  beforeAll(async () => {
    isolated = await createIsolatedEnv();
    platform = await startPlatform('pipelines', {
      portOffset: PORT_OFFSET,
      only: ['gateway', 'orchestrator'],
      env: { ...isolated.env, RATE_LIMIT_PER_MINUTE: '10000', PIPELINE_STEP_RETRIES: '1', PIPELINE_RETRY_BACKOFF_MS: '100' },
    });
    api = new ApiClient(platform.url('gateway'));
    db = new Client({ connectionString: isolated.databaseUrl });
    await db.connect();
    nc = await connectNats({ url: process.env.NATS_URL!, name: 'pipelines-e2e-worker' });
    // The test's own worker on the suite's private namespace, in place of ingest, dq and transform.
    worker = await startScriptedStepWorker(nc, productionTopology(isolated.id), (job, signal) => script(job, signal));
  }, 180_000);

  afterAll(async () => {
    await worker?.stop();
    if (nc) await closeNats(nc);
    if (replacement && replacement.exitCode === null && replacement.signalCode === null) {
      const exited = new Promise((resolve) => replacement!.once('exit', resolve));
      replacement.kill('SIGTERM');
      await exited;
    }
    await platform?.stop();
    await db?.end();
    await isolated?.dispose();
  }, 60_000);

  const put = (auth: Credentials, name: string, body: string, headers = YAML_HEADERS) => api.request<{ name: string; version: number } & Problem>('PUT', `/v1/pipelines/${name}`, { auth, body, headers });
  const run = (auth: Credentials, id: string) => api.request<RunView>('GET', `/v1/runs/${id}`, { auth });
  const runInDb = async (id: string) => (await db.query<{ status: string; owner: string | null }>('SELECT status::text AS status, owner FROM pipeline.runs WHERE id = $1', [id])).rows[0];

  it('validates, stores versions and reads definitions; hostile definitions are 400 with paths and create nothing', async () => {
    const session = await api.signup('pipes');
    const auth = { token: session.accessToken };

    const valid = await api.request<{ valid: boolean; errors: unknown[] }>('POST', '/v1/pipelines/validate', { auth, body: loadCheckCleanPipeline('movies'), headers: YAML_HEADERS });
    expect(valid).toMatchObject({ status: 200, body: { valid: true, errors: [] } });
    const cyclic = await api.request<{ valid: boolean; errors: { path: string; message: string }[] }>('POST', '/v1/pipelines/validate', {
      auth,
      body: { name: 'loop', steps: [{ id: 'a', kind: 'transform', inputs: ['b'], sql: "select * from {{ ref('b') }}", output: { table: 'a_out', mode: 'replace' } }, { id: 'b', kind: 'transform', inputs: ['a'], sql: "select * from {{ ref('a') }}", output: { table: 'b_out', mode: 'replace' } }] },
    });
    expect(cyclic.status).toBe(200);
    expect(cyclic.body.valid).toBe(false);
    expect(cyclic.body.errors[0]?.message).toMatch(/cycle/);

    expect((await put(auth, 'movies', loadCheckCleanPipeline('movies'))).body).toEqual({ name: 'movies', version: 1 });
    expect((await put(auth, 'movies', `# same meaning, other spelling\n${loadCheckCleanPipeline('movies')}`)).body).toEqual({ name: 'movies', version: 1 });
    const changed = loadCheckCleanPipeline('movies').replace('severity: error', 'severity: warn');
    expect((await put(auth, 'movies', changed)).body).toEqual({ name: 'movies', version: 2 });
    expect((await api.request<{ definition: { steps: { checks?: { severity: string }[] }[] } }>('GET', '/v1/pipelines/movies?version=1', { auth })).body.definition.steps[1]?.checks?.[0]?.severity).toBe('error');
    expect((await api.request<{ version: number }>('GET', '/v1/pipelines/movies', { auth })).body.version).toBe(2);
    expect((await api.request<{ $schema?: string }>('GET', '/v1/pipelines/schema', { auth })).body.$schema).toMatch(/json-schema/);

    const hostile: [string, string, string][] = [
      ['cycle', loadCheckCleanPipeline('cycle').replace('    input: load\n', '    input: load\n    dependsOn: [clean]\n'), 'steps.1.dependsOn.0'],
      ['ident', loadCheckCleanPipeline('ident').replace('- id: check', '- id: "check; drop table x"'), 'steps.1.id'],
      ['ddl', loadCheckCleanPipeline('ddl').replace(`select title, avg(rating) as rating from {{ ref('load') }} group by title`, 'drop table users'), 'steps.2.sql'],
      ['multi', loadCheckCleanPipeline('multi').replace(`group by title"`, `group by title; delete from x"`), 'steps.2.sql'],
      ['other-tenant', loadCheckCleanPipeline('other-tenant').replace(`{{ ref('load') }}`, 't_0123456789abcdef0123456789abcdef.movies'), 'steps.2.sql'],
      ['bomb', `name: bomb\na: &a ["x","x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\nsteps: [*e]\n`, '(root)'],
      ['huge', `${loadCheckCleanPipeline('huge')}# ${'x'.repeat(300 * 1024)}\n`, '(root)'],
      ['mismatch', loadCheckCleanPipeline('other-name'), 'name'],
    ];
    for (const [name, body, path] of hostile) {
      const res = await put(auth, name, body);
      expect(`${name} ${res.status}`).toBe(`${name} 400`);
      expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(res.body.errors?.map((e) => e.path)).toContain(path);
      expect((await api.request('GET', `/v1/pipelines/${name}`, { auth })).status).toBe(404);
    }
    expect((await put(auth, 'giant', `${loadCheckCleanPipeline('giant')}# ${'x'.repeat(2 * 1024 * 1024)}\n`)).status).toBe(413);
    expect((await api.request<{ items: { name: string }[] }>('GET', '/v1/pipelines', { auth })).body.items.map((p) => p.name)).toEqual(['movies']);

    const other = { token: (await api.signup('pipes-other')).accessToken };
    expect((await api.request('GET', '/v1/pipelines/movies', { auth: other })).status).toBe(404);
    expect((await api.request<{ items: unknown[] }>('GET', '/v1/pipelines', { auth: other })).body.items).toEqual([]);
    expect((await api.request('POST', '/v1/pipelines/movies/runs', { auth: other, body: {} })).status).toBe(404);
  });

  it('ten concurrent starts make one run and nine 409s naming it; the run goes through the workers to SUCCEEDED', async () => {
    const auth = { token: (await api.signup('race')).accessToken };
    await put(auth, 'race', loadCheckCleanPipeline('race'));
    const holds: (() => void)[] = [];
    script = async (job, signal) => {
      const hold = heldOpen(signal);
      holds.push(hold.release);
      await hold.done;
      return job.stepId === 'check' ? { type: 'succeeded', rowsIn: 3, checks: [passed] } : { type: 'succeeded', rowsIn: 3, rowsOut: 3 };
    };
    const responses = await Promise.all(Array.from({ length: 10 }, () => api.request<{ runId: string; status: string } & Problem>('POST', '/v1/pipelines/race/runs', { auth, body: { params: { day: '2026-03-01' } } })));
    const accepted = responses.filter((r) => r.status === 202);
    const conflicts = responses.filter((r) => r.status === 409);
    expect(accepted).toHaveLength(1);
    expect(conflicts).toHaveLength(9);
    const runId = accepted[0]!.body.runId;
    expect(accepted[0]!.body.status).toBe('QUEUED');
    for (const conflict of conflicts) expect(conflict.body.runId).toBe(runId);
    expect((await db.query(`SELECT 1 FROM pipeline.runs WHERE pipeline = 'race'`)).rowCount).toBe(1);

    const release = setInterval(() => holds.splice(0).forEach((r) => r()), 100);
    try {
      const done = await eventually(() => run(auth, runId), (r) => r.body.status === 'SUCCEEDED', 60_000, 200);
      expect(done.body.steps.map((s) => [s.id, s.kind, s.status, s.rowsIn])).toEqual([
        ['load', 'ingest', 'SUCCEEDED', 3],
        ['check', 'dq', 'SUCCEEDED', 3],
        ['clean', 'transform', 'SUCCEEDED', 3],
      ]);
    } finally {
      clearInterval(release);
    }
    const listed = await api.request<{ items: RunView[] }>('GET', '/v1/runs?pipeline=race&status=SUCCEEDED', { auth });
    expect(listed.body.items.map((r) => r.id)).toEqual([runId]);
    expect((await api.request<Problem>('GET', '/v1/runs?status=DONE', { auth })).body.errors?.map((e) => e.path)).toEqual(['status']);
    const other = { token: (await api.signup('race-other')).accessToken };
    expect((await run(other, runId)).status).toBe(404);
    expect((await api.request('POST', `/v1/runs/${runId}/cancel`, { auth: other })).status).toBe(404);
    expect((await api.request('POST', `/v1/runs/${runId}/cancel`, { auth })).status).toBe(409);
  });

  it('replays a start with the same Idempotency-Key, fails a run whose error check failed, and cancels a run', async () => {
    const auth = { token: (await api.signup('fail')).accessToken };
    await put(auth, 'dirty', loadCheckCleanPipeline('dirty'));
    script = (job) =>
      job.stepId === 'check' ? { type: 'succeeded', rowsIn: 3, checks: [{ ...passed, passed: false, failingCount: 1 }] } : { type: 'succeeded', rowsIn: 3, rowsOut: 3 };
    const headers = { 'idempotency-key': 'start-dirty-1' };
    const first = await api.request<{ runId: string }>('POST', '/v1/pipelines/dirty/runs', { auth, body: {}, headers });
    const replay = await api.request<{ runId: string }>('POST', '/v1/pipelines/dirty/runs', { auth, body: {}, headers });
    expect(first.status).toBe(202);
    expect(replay.status).toBe(202);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body.runId).toBe(first.body.runId);
    const failed = await eventually(() => run(auth, first.body.runId), (r) => r.body.status === 'FAILED', 60_000, 200);
    expect(failed.body.steps.map((s) => [s.id, s.status])).toEqual([['load', 'SUCCEEDED'], ['check', 'FAILED'], ['clean', 'SKIPPED']]);
    expect(failed.body.steps[1]?.error).toMatch(/error-severity check failed: not_null:title/);

    await put(auth, 'stoppable', loadCheckCleanPipeline('stoppable'));
    script = (_job, signal) => heldOpen(signal).done.then(() => ({ type: 'silent' }) as const);
    const started = await api.request<{ runId: string }>('POST', '/v1/pipelines/stoppable/runs', { auth });
    await eventually(() => run(auth, started.body.runId), (r) => r.body.steps[0]?.status === 'RUNNING', 30_000, 200);
    const cancelled = await api.request<RunView>('POST', `/v1/runs/${started.body.runId}/cancel`, { auth });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('CANCELLED');
    expect(cancelled.body.steps.map((s) => s.status)).toEqual(['CANCELLED', 'CANCELLED', 'CANCELLED']);
    expect((await api.request<RunView>('POST', `/v1/runs/${started.body.runId}/cancel`, { auth })).body.status).toBe('CANCELLED');
    // the pipeline is free again
    expect((await api.request('POST', '/v1/pipelines/stoppable/runs', { auth })).status).toBe(202);
  });

  it('SIGTERM of the orchestrator mid-run leaves the run INTERRUPTED; a new orchestrator resumes it to SUCCEEDED', async () => {
    const auth = { token: (await api.signup('resume')).accessToken };
    await put(auth, 'resumable', loadCheckCleanPipeline('resumable'));
    script = async (job, signal) => {
      if (job.stepId === 'load' && job.attempt === 1) {
        await heldOpen(signal).done;
        return { type: 'silent' };
      }
      return job.stepId === 'check' ? { type: 'succeeded', rowsIn: 3, checks: [passed] } : { type: 'succeeded', rowsIn: 3, rowsOut: 3 };
    };
    const started = await api.request<{ runId: string }>('POST', '/v1/pipelines/resumable/runs', { auth });
    expect(started.status).toBe(202);
    await eventually(() => run(auth, started.body.runId), (r) => r.body.steps[0]?.status === 'RUNNING', 30_000, 200);

    expect(await platform.kill('orchestrator', 'SIGTERM')).toBe(0);
    expect(await runInDb(started.body.runId)).toEqual({ status: 'INTERRUPTED', owner: null });

    const log = createWriteStream(join(ROOT, '.jest-results', 'pipelines.log'), { flags: 'a' });
    replacement = spawn(process.execPath, [join(ROOT, 'apps/orchestrator/dist/main.js')], {
      cwd: ROOT,
      env: { ...process.env, ...isolated.env, HTTP_PORT: String(ORCHESTRATOR.http), GRPC_PORT: String(ORCHESTRATOR.grpc), OTEL_SERVICE_NAME: 'orchestrator-2' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    replacement.stdout?.on('data', (chunk: Buffer) => log.write(`orchestrator-2 | ${chunk.toString()}`));
    replacement.stderr?.on('data', (chunk: Buffer) => log.write(`orchestrator-2 | ${chunk.toString()}`));

    const done = await eventually(() => run(auth, started.body.runId), (r) => r.body.status === 'SUCCEEDED', 60_000, 250);
    expect(done.body.steps.map((s) => [s.id, s.status, s.attempt])).toEqual([
      ['load', 'SUCCEEDED', 2],
      ['check', 'SUCCEEDED', 1],
      ['clean', 'SUCCEEDED', 1],
    ]);
  });
});
