import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import type { CheckResult, PipelineStepJobMessage, StepEventMessage } from '@sluice/contracts';
import { closeNats, connectNats, JetStreamPublisher, productionTopology, type NatsConnection, type Topology } from '@sluice/messaging';
import { ensureTenantSchema, qualifiedName, tenantSchema } from '@sluice/warehouse';
import { Client } from 'pg';
import { ApiClient, type Session } from './support/api-client';
import { createIsolatedEnv, ROOT, type IsolatedEnv } from './support/isolated-env';
import { eventually, startPlatform, type Platform } from './support/platform';

jest.setTimeout(60_000);

type Problem = { status: number; errors?: { path: string; message: string }[] };
type Dataset = { table: string; version: number; rows: number; updatedAt: string; runId: string; pipeline: string };
type Page<T> = { items: T[]; nextCursor: string | null };

// vega-datasets' cars: real rows with nulls in several columns.
const cars = (JSON.parse(readFileSync(join(ROOT, 'node_modules/vega-datasets/data/cars.json'), 'utf8')) as Record<string, unknown>[]).map((car) => ({
  name: car.Name as string,
  origin: car.Origin as string,
  mpg: (car.Miles_per_Gallon as number | null) ?? null,
  horsepower: (car.Horsepower as number | null) ?? null,
}));

describe('dq and transform workers, and the datasets API, as processes', () => {
  let isolated: IsolatedEnv;
  let platform: Platform;
  let api: ApiClient;
  let db: Client;
  let nc: NatsConnection;
  let topology: Topology;
  let publisher: JetStreamPublisher;
  let owner: Session;
  let stranger: Session;
  let schema: string;

  const auth = (session: Session) => ({ token: session.accessToken });
  const stagingTable = () => ({ schema, table: 'stg__cars__load' });

  /** The step event of `type` for a run's step, once the worker published it. */
  const stepEvent = async (runId: string, stepId: string, type: 'succeeded' | 'failed', timeoutMs = 30_000): Promise<StepEventMessage> => {
    const jsm = await jetstreamManager(nc);
    const subject = topology.subject(`events.step.${runId}.${stepId}.${type}`);
    return eventually(
      () => jsm.streams.getMessage(topology.events.name, { last_by_subj: subject }).then((m) => (m ? (m.json() as StepEventMessage) : undefined), () => undefined),
      (event) => event !== undefined,
      timeoutMs,
      200,
    ) as Promise<StepEventMessage>;
  };

  const publishJob = (kind: 'dq' | 'transform', job: PipelineStepJobMessage) =>
    publisher.publish(topology.subject(`jobs.pipeline.${kind}`), job, { msgId: `${job.runId}:${job.stepId}:${job.attempt}` });

  const job = (kind: 'dq' | 'transform', step: Record<string, unknown>, runId = randomUUID(), attempt = 1): PipelineStepJobMessage => ({
    runId,
    stepId: step.id as string,
    tenantId: owner.organization.id,
    pipeline: 'cars',
    version: 1,
    attempt,
    step: { kind, ...step },
    tables: { load: stagingTable() },
  });

  beforeAll(async () => {
    isolated = await createIsolatedEnv();
    platform = await startPlatform('datasets', { portOffset: 2200, only: ['gateway', 'data-quality', 'transform'], env: { ...isolated.env, RATE_LIMIT_PER_MINUTE: '1000' } });
    api = new ApiClient(platform.url('gateway'));
    db = new Client({ connectionString: isolated.databaseUrl });
    await db.connect();
    nc = await connectNats({ url: process.env.NATS_URL!, name: 'sluice-e2e-datasets' });
    topology = productionTopology(isolated.env.SLUICE_NATS_NAMESPACE);
    publisher = new JetStreamPublisher(nc);
    owner = await api.signup('cars');
    stranger = await api.signup('other');

    // What an ingest step would have left: the staging table in the owner's schema.
    schema = await ensureTenantSchema((sql) => db.query(sql), owner.organization.id);
    await db.query(`CREATE TABLE ${qualifiedName(stagingTable())} (name text, origin text, mpg numeric, horsepower integer)`);
    await db.query(
      `INSERT INTO ${qualifiedName(stagingTable())} SELECT * FROM jsonb_to_recordset($1::jsonb) AS c(name text, origin text, mpg numeric, horsepower integer)`,
      [JSON.stringify(cars)],
    );
  }, 180_000);

  afterAll(async () => {
    await platform?.stop();
    await db?.end();
    if (nc) await closeNats(nc);
    await isolated?.dispose();
  }, 60_000);

  it('runs a dq step: counts equal to the source file, failed error check → failed step that still carries every check', async () => {
    const runId = randomUUID();
    await publishJob('dq', job('dq', {
      id: 'check',
      input: 'load',
      checks: [
        { type: 'not_null', column: 'mpg' },
        { type: 'not_null', column: 'horsepower', severity: 'warn' },
        { type: 'accepted_values', column: 'origin', values: ['USA', 'Europe', 'Japan'] },
        { type: 'row_count', min: 1 },
      ],
    }, runId));
    const event = await stepEvent(runId, 'check', 'failed');
    expect(event.rowsIn).toBe(cars.length);
    expect(event.error).toMatch(/not_null:mpg/);
    const byName = Object.fromEntries((event.checks ?? []).map((c: CheckResult) => [c.name, c]));
    expect(byName['not_null:mpg']).toMatchObject({ passed: false, failingCount: cars.filter((c) => c.mpg === null).length, checkedCount: cars.length });
    expect(byName['not_null:mpg'].examples.length).toBeLessThanOrEqual(5);
    expect(byName['not_null:horsepower']).toMatchObject({ severity: 'warn', passed: false, failingCount: cars.filter((c) => c.horsepower === null).length });
    expect(byName['accepted_values:origin']).toMatchObject({ passed: true, failingCount: 0 });
    expect(byName.row_count).toMatchObject({ passed: true, observed: cars.length });
  });

  it('succeeds a dq step whose only failures are warnings', async () => {
    const runId = randomUUID();
    await publishJob('dq', job('dq', { id: 'soft', input: 'load', checks: [{ type: 'not_null', column: 'mpg', severity: 'warn' }] }, runId));
    const event = await stepEvent(runId, 'soft', 'succeeded');
    expect(event.checks).toEqual([expect.objectContaining({ passed: false, severity: 'warn', failingCount: cars.filter((c) => c.mpg === null).length })]);
  });

  it('runs a transform; a retried attempt of the same run and step writes nothing again', async () => {
    const runId = randomUUID();
    const step = { id: 'by_origin', inputs: ['load'], sql: "select origin, name, mpg from {{ ref('load') }} where mpg is not null", output: { table: 'efficient_cars', mode: 'append' } };
    await publishJob('transform', job('transform', step, runId));
    const first = await stepEvent(runId, 'by_origin', 'succeeded');
    const expected = cars.filter((c) => c.mpg !== null).length;
    expect(first).toMatchObject({ rowsOut: expected, output: { schema, table: 'efficient_cars', version: 1 } });

    await publishJob('transform', job('transform', step, runId, 2));
    await eventually(
      async () => (await stepEvent(runId, 'by_origin', 'succeeded')).attempt,
      (attempt) => attempt === 2,
      30_000,
      200,
    );
    const again = await stepEvent(runId, 'by_origin', 'succeeded');
    expect(again.output).toEqual({ schema, table: 'efficient_cars', version: 1 });
    const { rows } = await db.query(`SELECT count(*)::int AS n FROM ${qualifiedName({ schema, table: 'efficient_cars' })}`);
    expect(rows[0].n).toBe(expected);
  });

  it('lists the tenant\'s datasets and pages through their rows; another tenant sees none and gets 404', async () => {
    const list = await api.request<Page<Dataset>>('GET', '/v1/datasets', { auth: auth(owner) });
    expect(list.status).toBe(200);
    expect(list.body.items).toEqual([
      { table: 'efficient_cars', version: 1, rows: cars.filter((c) => c.mpg !== null).length, updatedAt: expect.any(String), runId: expect.any(String), pipeline: 'cars' },
    ]);
    expect(list.body.nextCursor).toBeNull();

    const seen: Record<string, unknown>[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `?limit=100&cursor=${encodeURIComponent(cursor)}` : '?limit=100';
      const page = await api.request<Page<Record<string, unknown>>>('GET', `/v1/datasets/efficient_cars/rows${query}`, { auth: auth(owner) });
      expect(page.status).toBe(200);
      seen.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(list.body.items[0].rows);
    expect(Object.keys(seen[0]).sort()).toEqual(['mpg', 'name', 'origin']);

    const strangers = await api.request<Page<Dataset>>('GET', '/v1/datasets', { auth: auth(stranger) });
    expect(strangers.body.items).toEqual([]);
    const hidden = await api.request<Problem>('GET', '/v1/datasets/efficient_cars/rows', { auth: auth(stranger) });
    expect(hidden.status).toBe(404);
    // the staging table exists in the owner's schema, but it is not a dataset
    expect((await api.request<Problem>('GET', '/v1/datasets/stg__cars__load/rows', { auth: auth(owner) })).status).toBe(404);
    expect(tenantSchema(stranger.organization.id)).not.toBe(schema);
  });

  it('answers 400 naming the field for a bad table name, limit or cursor, and 401 without credentials', async () => {
    const badName = await api.request<Problem>('GET', '/v1/datasets/Bad-Name/rows', { auth: auth(owner) });
    expect(badName.status).toBe(400);
    expect(badName.body.errors).toEqual([{ path: 'table', message: expect.any(String) }]);
    const badLimit = await api.request<Problem>('GET', '/v1/datasets/efficient_cars/rows?limit=501', { auth: auth(owner) });
    expect(badLimit.status).toBe(400);
    expect(badLimit.body.errors?.map((e) => e.path)).toEqual(['limit']);
    const badCursor = await api.request<Problem>('GET', '/v1/datasets/efficient_cars/rows?cursor=nonsense', { auth: auth(owner) });
    expect(badCursor.status).toBe(400);
    expect(badCursor.body.errors?.map((e) => e.path)).toEqual(['cursor']);
    expect((await api.request('GET', '/v1/datasets')).status).toBe(401);
  });

  it('documents both routes in the generated OpenAPI document', async () => {
    const { body } = await api.request<{ paths: Record<string, Record<string, unknown>> }>('GET', '/docs/openapi.json');
    expect(Object.keys(body.paths['/v1/datasets'])).toEqual(['get']);
    expect(Object.keys(body.paths['/v1/datasets/{table}/rows'])).toEqual(['get']);
  });
});
