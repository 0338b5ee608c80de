import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, type WriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { ApiClient, type Session } from './support/api-client';
import { createIsolatedEnv, ROOT, type IsolatedEnv } from './support/isolated-env';
import { eventually, startPlatform, type Platform } from './support/platform';
import { provideSeattleWeather, SEATTLE_WEATHER_LOAD_STEP, SEATTLE_WEATHER_PATH } from './support/seattle-weather';
import { ServiceProcess } from './support/service-process';

jest.setTimeout(60_000);

const DEFINITION = `
name: seattle-weather
steps:
${SEATTLE_WEATHER_LOAD_STEP}  - id: check
    kind: dq
    input: load
    checks:
      - { type: not_null, column: date, severity: error }
      - { type: unique, column: date, severity: error }
      - { type: row_count, min: 1000, severity: error }
      - { type: accepted_values, column: weather, values: [drizzle, rain, sun, snow], severity: warn }
      - { type: range, column: precipitation, min: 0, max: 20, severity: warn }
  - id: summary
    kind: transform
    inputs: [load]
    dependsOn: [check]
    sql: >
      select weather, count(*) as days, max(temp_max) as hottest, sum(precipitation) as total_precipitation
      from {{ ref('load') }} group by weather
    output: { table: weather_summary, mode: replace }
`;

interface SourceRow {
  date: string;
  precipitation: string;
  temp_max: string;
  weather: string;
}

/** What the pipeline must produce, computed from the file without any Sluice code. */
function expectedFromSource() {
  const rows = parse(readFileSync(SEATTLE_WEATHER_PATH), { columns: true }) as SourceRow[];
  const summary = new Map<string, { days: number; hottest: number; total: number }>();
  for (const row of rows) {
    const entry = summary.get(row.weather) ?? { days: 0, hottest: -Infinity, total: 0 };
    entry.days += 1;
    entry.hottest = Math.max(entry.hottest, Number(row.temp_max));
    entry.total += Number(row.precipitation);
    summary.set(row.weather, entry);
  }
  return {
    rows: rows.length,
    notAccepted: rows.filter((row) => !['drizzle', 'rain', 'sun', 'snow'].includes(row.weather)).length,
    outOfRange: rows.filter((row) => Number(row.precipitation) > 20).length,
    summary,
  };
}

type Check = { name: string; type: string; passed: boolean; failingCount: number; severity: string };
type StepView = { id: string; kind: string; status: string; rowsIn: number; rowsOut: number; checks?: Check[]; error?: string };
type RunView = { id: string; status: string; version: number; steps: StepView[] };

describe('a pipeline over a real data set: ingest → checks → transform', () => {
  let isolated: IsolatedEnv;
  let platform: Platform;
  let api: ApiClient;
  let session: Session;
  let log: WriteStream;
  let replacement: ServiceProcess | undefined;
  // The operator's ingest directory: one directory per tenant, named by its id.
  const fileRoot = mkdtempSync(join(tmpdir(), 'sluice-ingest-'));

  const workerEnv = () => ({ ...isolated.env, SLUICE_INGEST_FILE_ROOT: fileRoot, RATE_LIMIT_PER_MINUTE: '6000' });

  beforeAll(async () => {
    isolated = await createIsolatedEnv();
    mkdirSync(join(ROOT, '.jest-results'), { recursive: true });
    log = createWriteStream(join(ROOT, '.jest-results', 'pipeline-dataset.log'), { flags: 'a' });
    platform = await startPlatform('pipeline-dataset', {
      portOffset: 2500,
      only: ['gateway', 'orchestrator', 'ingest', 'data-quality', 'transform'],
      env: workerEnv(),
    });
    api = new ApiClient(platform.url('gateway'));
    session = await api.signup('weather');
    provideSeattleWeather(fileRoot, session.organization.id);
  }, 180_000);

  afterAll(async () => {
    await replacement?.stop();
    await platform?.stop();
    log?.end();
    await isolated?.dispose();
    rmSync(fileRoot, { recursive: true, force: true });
  }, 60_000);

  it('loads every row, counts check failures exactly, and builds the summary table the source implies', async () => {
    const expected = expectedFromSource();
    const auth = { token: session.accessToken };

    const put = await api.request<{ name: string; version: number }>('PUT', '/v1/pipelines/seattle-weather', {
      auth,
      body: DEFINITION,
      headers: { 'content-type': 'application/yaml' },
    });
    expect(put.status).toBe(200);
    expect(put.body).toEqual({ name: 'seattle-weather', version: 1 });

    const start = await api.request<{ runId: string; status: string }>('POST', '/v1/pipelines/seattle-weather/runs', { auth, body: {} });
    expect(start.status).toBe(202);

    const run = await eventually(
      async () => (await api.request<RunView>('GET', `/v1/runs/${start.body.runId}`, { auth })).body,
      (view) => ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(view.status),
      50_000,
      500,
    );
    // Unfinished steps are part of the expectation so a failure shows their errors.
    expect({ status: run.status, unfinished: run.steps.filter((s) => s.status !== 'SUCCEEDED') }).toEqual({ status: 'SUCCEEDED', unfinished: [] });
    expect(run.version).toBe(1);

    const step = (id: string) => run.steps.find((candidate) => candidate.id === id)!;
    expect(step('load')).toMatchObject({ status: 'SUCCEEDED', rowsIn: expected.rows, rowsOut: expected.rows });
    expect(step('summary')).toMatchObject({ status: 'SUCCEEDED', rowsOut: expected.summary.size });

    const checks = step('check').checks!;
    const check = (type: string) => checks.find((candidate) => candidate.type === type)!;
    expect(check('not_null')).toMatchObject({ passed: true, failingCount: 0 });
    expect(check('unique')).toMatchObject({ passed: true, failingCount: 0 });
    expect(check('row_count')).toMatchObject({ passed: true });
    expect(check('accepted_values')).toMatchObject({ passed: expected.notAccepted === 0, failingCount: expected.notAccepted, severity: 'warn' });
    expect(check('range')).toMatchObject({ passed: expected.outOfRange === 0, failingCount: expected.outOfRange, severity: 'warn' });
    // The data set does have fog days and downpours, so the warnings are real, not vacuous.
    expect(expected.notAccepted).toBeGreaterThan(0);
    expect(expected.outOfRange).toBeGreaterThan(0);

    const rows = await api.request<{ items: Record<string, unknown>[]; nextCursor: string | null }>('GET', '/v1/datasets/weather_summary/rows?limit=100', { auth });
    expect(rows.status).toBe(200);
    const actual = new Map(rows.body.items.map((row) => [String(row.weather), row]));
    expect([...actual.keys()].sort()).toEqual([...expected.summary.keys()].sort());
    for (const [weather, want] of expected.summary) {
      const got = actual.get(weather)!;
      expect(Number(got.days)).toBe(want.days);
      expect(Number(got.hottest)).toBe(want.hottest);
      expect(Number(got.total_precipitation)).toBeCloseTo(want.total, 6);
    }

    const datasets = await api.request<{ items: { table: string; version: number }[] }>('GET', '/v1/datasets', { auth });
    expect(datasets.body.items).toEqual(expect.arrayContaining([expect.objectContaining({ table: 'weather_summary', version: 1 })]));
  });

  it("keeps one tenant's tables from another", async () => {
    const other = await api.signup('other');
    const rows = await api.request('GET', '/v1/datasets/weather_summary/rows', { auth: { token: other.accessToken } });
    expect(rows.status).toBe(404);
    const datasets = await api.request<{ items: unknown[] }>('GET', '/v1/datasets', { auth: { token: other.accessToken } });
    expect(datasets.body.items).toEqual([]);
  });

  it('finishes a run whose ingest worker is SIGKILLed mid-step, without duplicate rows', async () => {
    const auth = { token: session.accessToken };
    const rows = 600_000;
    const lines = ['id,value'];
    for (let i = 0; i < rows; i++) lines.push(`${i},row-${i}`);
    writeFileSync(join(fileRoot, session.organization.id, 'bulk.csv'), `${lines.join('\n')}\n`);
    const definition = `
name: bulk
steps:
  - { id: load, kind: ingest, source: { type: file, path: bulk.csv, format: csv }, columns: [{ name: id, type: bigint }, { name: value, type: text }] }
  - id: totals
    kind: transform
    inputs: [load]
    sql: "select count(*) as n, count(distinct id) as distinct_ids from {{ ref('load') }}"
    output: { table: bulk_totals, mode: replace }
`;
    expect((await api.request('PUT', '/v1/pipelines/bulk', { auth, body: definition, headers: { 'content-type': 'application/yaml' } })).status).toBe(200);
    const start = await api.request<{ runId: string }>('POST', '/v1/pipelines/bulk/runs', { auth, body: {} });
    expect(start.status).toBe(202);
    const runOf = async () => (await api.request<RunView>('GET', `/v1/runs/${start.body.runId}`, { auth })).body;

    await eventually(runOf, (run) => run.steps.find((step) => step.id === 'load')?.status === 'RUNNING', 30_000, 100);
    await platform.kill('ingest', 'SIGKILL');
    replacement = await ServiceProcess.start('ingest', 'ingest-2', workerEnv(), log);

    const run = await eventually(runOf, (view) => ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(view.status), 55_000, 500);
    expect({ status: run.status, unfinished: run.steps.filter((s) => s.status !== 'SUCCEEDED') }).toEqual({ status: 'SUCCEEDED', unfinished: [] });
    // The redelivered step was loaded again by the new process, from the start, into a fresh table.
    expect(await replacement.metric('sluice_pipeline_rows_total', 'direction="out"')).toBe(rows);
    const totals = await api.request<{ items: { n: unknown; distinct_ids: unknown }[] }>('GET', '/v1/datasets/bulk_totals/rows', { auth });
    expect(totals.body.items.map((row) => [Number(row.n), Number(row.distinct_ids)])).toEqual([[rows, rows]]);
  }, 120_000);
});
