import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { loadServiceConfig } from '@sluice/config';
import { SUBJECTS, StepEventMessage, type PipelineStepJobMessage } from '@sluice/contracts';
import { Readiness } from '@sluice/health';
import { closeNats, connectNats, JetStreamPublisher, type NatsConnection, type Topology } from '@sluice/messaging';
import { isolatedTopology, removeTopology } from '@sluice/messaging/testing';
import { InfraModule } from '@sluice/runtime';
import { createLogger, createMetricsRegistry, MetricsModule } from '@sluice/telemetry';
import { eventually, freePort } from '@sluice/testing';
import { tenantSchema } from '@sluice/warehouse';
import { Pool } from 'pg';
import type { Registry } from 'prom-client';
import { StepsModule } from './steps.module';

const CSV = 'title,year\nAlien,1979\nHeat,1995\nBroken,soon\n';

describe('the ingest worker on a namespaced JetStream topology', () => {
  const tenantId = randomUUID();
  const schema = tenantSchema(tenantId);
  let topology: Topology;
  let app: INestApplicationContext;
  let registry: Registry;
  let nc: NatsConnection;
  let publisher: JetStreamPublisher;
  let pool: Pool;
  let root: string;
  const events: StepEventMessage[] = [];

  beforeAll(async () => {
    topology = isolatedTopology();
    root = await mkdtemp(join(tmpdir(), 'sluice-ingest-worker-'));
    await mkdir(join(root, tenantId));
    await writeFile(join(root, tenantId, 'movies.csv'), CSV);
    await symlink('/etc/hostname', join(root, tenantId, 'link.csv'));
    const config = loadServiceConfig('ingest', {
      ...process.env,
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      HTTP_PORT: String(await freePort()),
      GRPC_PORT: String(await freePort()),
      SLUICE_NATS_NAMESPACE: topology.namespace,
      SLUICE_INGEST_FILE_ROOT: root,
    });
    registry = createMetricsRegistry('ingest');
    @Module({ imports: [MetricsModule.forRoot(registry), InfraModule.forRoot(config, new Readiness(1000), createLogger('ingest', 'silent')), StepsModule] })
    class IngestTestRoot {}
    app = await NestFactory.createApplicationContext(IngestTestRoot, { logger: false });
    await app.init();

    nc = await connectNats({ url: config.natsUrl!, name: 'ingest-worker-test' });
    publisher = new JetStreamPublisher(nc);
    const subscription = nc.subscribe(topology.subject(SUBJECTS.allStepEvents));
    void (async () => {
      for await (const message of subscription) events.push(StepEventMessage.parse(message.json()));
    })();
    pool = new Pool({ connectionString: config.databaseUrl, max: 2 });
  });

  afterAll(async () => {
    await app?.close();
    await pool?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool?.end();
    if (nc) {
      await removeTopology(nc, topology);
      await closeNats(nc);
    }
    await rm(root, { recursive: true, force: true });
  });

  const publishJob = async (stepId: string, source: Record<string, unknown>, runId: string = randomUUID(), attempt = 1) => {
    const job: PipelineStepJobMessage = {
      runId,
      stepId,
      tenantId,
      pipeline: 'films',
      version: 1,
      attempt,
      step: { id: stepId, kind: 'ingest', source, columns: [{ name: 'title', type: 'text' }, { name: 'year', type: 'integer' }] },
      tables: {},
    };
    await publisher.publish(topology.subject(SUBJECTS.pipelineJob('ingest')), job, { msgId: `${runId}:${stepId}:${attempt}` });
    return job;
  };
  const outcome = (job: PipelineStepJobMessage) =>
    eventually(
      () => events.find((e) => e.runId === job.runId && e.stepId === job.stepId && e.attempt === job.attempt && e.type !== 'started'),
      (event) => event !== undefined,
      60_000,
    );
  const titles = async (table: string) => (await pool.query(`SELECT title FROM "${schema}"."${table}" ORDER BY title`)).rows.map((r) => r.title);

  it('loads a file step and reports succeeded with rows in and out and the staging table', async () => {
    const job = await publishJob('load', { type: 'file', path: 'movies.csv', format: 'csv' });
    expect(await outcome(job)).toMatchObject({ type: 'succeeded', rowsIn: 3, rowsOut: 2, output: { schema, table: 'stg__films__load' } });
    expect(events.find((e) => e.runId === job.runId && e.type === 'started')).toBeDefined();
    expect(await titles('stg__films__load')).toEqual(['Alien', 'Heat']);
  });

  it('gives the same table, without duplicates, when the step is run again', async () => {
    const first = await publishJob('again', { type: 'file', path: 'movies.csv', format: 'csv' });
    expect(await outcome(first)).toMatchObject({ type: 'succeeded' });
    const retry = await publishJob('again', { type: 'file', path: 'movies.csv', format: 'csv' }, first.runId, 2);
    expect(await outcome(retry)).toMatchObject({ type: 'succeeded', rowsIn: 3, rowsOut: 2 });
    expect(await titles('stg__films__again')).toEqual(['Alien', 'Heat']);
  });

  it.each([
    ['escape', '../../etc/passwd', /source\.path: must be a relative path/],
    ['link', 'link.csv', /outside the tenant's file directory/],
    ['missing', 'missing.csv', /does not exist/],
  ])('fails the step %s (%s) with the reason and creates nothing', async (stepId, path, reason) => {
    const job = await publishJob(stepId, { type: 'file', path, format: 'csv' });
    expect(await outcome(job)).toMatchObject({ type: 'failed', error: expect.stringMatching(reason) });
    const tables = await pool.query('SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_name LIKE $2', [schema, `%${stepId}%`]);
    expect(tables.rows).toEqual([]);
  });

  it('counts rows read, loaded and rejected', async () => {
    const metric = await registry.getSingleMetric('sluice_pipeline_rows_total')?.get();
    const value = (direction: string) => metric?.values.find((v) => v.labels.kind === 'ingest' && v.labels.direction === direction)?.value;
    expect({ in: value('in'), out: value('out'), rejected: value('rejected') }).toEqual({ in: 9, out: 6, rejected: 3 });
  });
});
