// @ts-check
// A deterministic 1,000,000-row CSV (about 100 MB) through the pipeline workers as processes:
// ingest (file source → staging table) → a dq step with three checks → one transform, each step's
// job published on JetStream and its `succeeded` event awaited, as the orchestrator would. Beside
// it, in the same run, a plain PostgreSQL COPY of the same file into a table of the same shape
// (streamed from this process, best of two). Prints one JSON line per implementation: seconds,
// rows/s and, for Sluice, each worker's peak RSS (VmHWM) and the CPU time it spent on the run.
'use strict';
const { randomBytes, randomUUID } = require('node:crypto');
const { createReadStream, readFileSync } = require('node:fs');
const { mkdir, mkdtemp, rm } = require('node:fs/promises');
const { tmpdir } = require('node:os');
const { join, resolve } = require('node:path');
const { pipeline } = require('node:stream/promises');
const { setTimeout: delay } = require('node:timers/promises');
const { jetstreamManager } = require('@nats-io/jetstream');
const { Client } = require('pg');
const { from: copyFrom } = require('pg-copy-streams');
const { startPlatform } = require('../scripts/platform.cjs');
const { ORDER_COLUMNS, writeOrdersCsv } = require('./support/pipeline-csv.cjs');
const { runStep } = require('./support/pipeline-jobs.cjs');

const ROOT = resolve(__dirname, '..');
const { connectNats, closeNats, productionTopology } = require(resolve(ROOT, 'libs/messaging/dist/index.js'));

const ROWS = Number(process.env.BENCH_PIPELINE_ROWS ?? 1_000_000);
const PORT_OFFSET = 2150;
const STEP_TIMEOUT_MS = 20 * 60_000;
const SETTLE_MS = 3_000;
const WORKERS = ['ingest', 'data-quality', 'transform'];

const env = (/** @type {string} */ name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};
const round = (/** @type {number} */ n, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;
const seconds = (/** @type {number} */ startedMs) => (performance.now() - startedMs) / 1000;

/** Peak resident memory of a process since it started, in MB. */
function peakRssMb(/** @type {number | undefined} */ pid) {
  const kb = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  return round(kb / 1024, 1);
}

/** CPU time (user + system) a process has used so far, in seconds: unlike wall time, not inflated by other load on the machine. */
function cpuSeconds(/** @type {number | undefined} */ pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
}

const SQL_TYPES = /** @type {Record<string, string>} */ ({ integer: 'integer', text: 'text', numeric: 'numeric', date: 'date', boolean: 'boolean' });

/** Deletes the benchmark's own streams (its namespace only). */
async function removeStreams(/** @type {any} */ nc, /** @type {{ streams: { name: string }[] }} */ topology) {
  const jsm = await jetstreamManager(nc);
  for (const stream of topology.streams) await jsm.streams.delete(stream.name).catch(() => undefined);
}

/** Plain COPY of the CSV into a fresh table of the same shape, streamed from this process; seconds. */
async function plainCopy(/** @type {string} */ databaseUrl, /** @type {string} */ schema, /** @type {string} */ csv) {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const columns = ORDER_COLUMNS.map((c) => `${c.name} ${SQL_TYPES[c.type]}${c.nullable ? '' : ' NOT NULL'}`).join(', ');
    await client.query(`DROP TABLE IF EXISTS "${schema}".plain_copy`);
    await client.query(`CREATE TABLE "${schema}".plain_copy (${columns})`);
    const started = performance.now();
    await pipeline(createReadStream(csv, { highWaterMark: 256 * 1024 }), client.query(copyFrom(`COPY "${schema}".plain_copy FROM STDIN (FORMAT csv, HEADER true)`)));
    const elapsed = seconds(started);
    const { rows } = await client.query(`SELECT count(*)::int AS n FROM "${schema}".plain_copy`);
    if (rows[0].n !== ROWS) throw new Error(`plain COPY stored ${rows[0].n} rows, expected ${ROWS}`);
    return elapsed;
  } finally {
    await client.end();
  }
}

/** Ingest → dq (three checks) → transform; seconds per step and the outcome of each. */
async function sluicePipeline(/** @type {{ nc: any, topology: any }} */ bus, /** @type {string} */ tenantId, /** @type {string} */ schema) {
  const runId = randomUUID();
  const base = { runId, tenantId, pipeline: 'bench' };
  const staging = { schema, table: 'stg__bench__load' };
  /** @type {Record<string, { seconds: number, event: Record<string, any> }>} */
  const steps = {};
  const timed = async (/** @type {string} */ name, /** @type {Parameters<typeof runStep>[1]} */ job) => {
    const started = performance.now();
    const event = await runStep(bus, job, STEP_TIMEOUT_MS);
    steps[name] = { seconds: seconds(started), event };
    return event.type === 'succeeded';
  };
  const ingested = await timed('ingest', {
    ...base,
    kind: 'ingest',
    step: { id: 'load', kind: 'ingest', source: { type: 'file', path: 'orders.csv', format: 'csv' }, columns: ORDER_COLUMNS.map((c) => ({ nullable: false, ...c })) },
  });
  if (!ingested) return steps;
  const checked = await timed('dq', {
    ...base,
    kind: 'dq',
    tables: { load: staging },
    step: {
      id: 'check',
      kind: 'dq',
      input: 'load',
      checks: [
        { type: 'not_null', column: 'customer', severity: 'error' },
        { type: 'unique', column: 'id', severity: 'error' },
        { type: 'range', column: 'amount', min: 0, max: 5000, severity: 'error' },
      ],
    },
  });
  if (!checked) return steps;
  await timed('transform', {
    ...base,
    kind: 'transform',
    tables: { load: staging },
    step: {
      id: 'by_category',
      kind: 'transform',
      inputs: ['load'],
      dependsOn: ['check'],
      sql: "select category, count(*) as orders, sum(amount) as revenue, sum(quantity) as items from {{ ref('load') }} where paid group by category",
      output: { table: 'bench_by_category', mode: 'replace' },
    },
  });
  return steps;
}

async function main() {
  const databaseUrl = env('DATABASE_URL');
  const natsUrl = env('NATS_URL');
  const tenantId = randomUUID();
  const schema = `t_${tenantId.replaceAll('-', '')}`;
  const namespace = `bp${randomBytes(4).toString('hex')}`;
  const root = await mkdtemp(join(tmpdir(), 'sluice-pipeline-bench-'));
  const admin = new Client({ connectionString: databaseUrl });
  await admin.connect();
  /** @type {Awaited<ReturnType<typeof startPlatform>> | undefined} */
  let platform;
  const nc = await connectNats({ url: natsUrl, name: 'sluice-pipeline-bench' });
  const topology = productionTopology(namespace);
  try {
    await mkdir(join(root, tenantId));
    const csv = join(root, tenantId, 'orders.csv');
    const bytes = await writeOrdersCsv(csv, ROWS);
    await admin.query(`CREATE SCHEMA "${schema}"`);

    const copyFirst = await plainCopy(databaseUrl, schema, csv);
    platform = await startPlatform({
      only: WORKERS,
      portOffset: PORT_OFFSET,
      env: { SLUICE_NATS_NAMESPACE: namespace, SLUICE_INGEST_FILE_ROOT: root, LOG_LEVEL: 'warn', NODE_ENV: 'production' },
      log: (service, line) => process.stderr.write(`${service.padEnd(12)}| ${line}\n`),
    });
    const cpuBefore = platform.running.map((r) => cpuSeconds(r.child.pid));
    const started = performance.now();
    const steps = await sluicePipeline({ nc, topology }, tenantId, schema);
    const cpu = Object.fromEntries(platform.running.map((r, i) => [r.spec.name, round(cpuSeconds(r.child.pid) - cpuBefore[i])]));
    const total = seconds(started);
    // A step's memory can peak after its event (e.g. a background compile it set off): read the
    // peaks once the workers have had time to settle, not the instant the last step reported.
    await delay(SETTLE_MS);
    const rss = Object.fromEntries(platform.running.map((r) => [r.spec.name, peakRssMb(r.child.pid)]));
    const copySecond = await plainCopy(databaseUrl, schema, csv);
    const copySeconds = Math.min(copyFirst, copySecond);

    const ingest = steps.ingest;
    const done = WORKERS.length === Object.values(steps).filter((s) => s.event.type === 'succeeded').length;
    const failures = Object.fromEntries(Object.entries(steps).filter(([, s]) => s.event.type !== 'succeeded').map(([name, s]) => [name, s.event.error ?? s.event.type]));
    console.log(
      JSON.stringify({
        name: 'pipeline_1m_rows',
        impl: 'sluice',
        rows: ROWS,
        file_mb: round(bytes / 1024 / 1024, 1),
        rows_in: ingest.event.rowsIn ?? null,
        rows_out: ingest.event.rowsOut ?? null,
        ingest_s: round(ingest.seconds),
        ingest_rows_per_s: Math.round(ROWS / ingest.seconds),
        dq_s: steps.dq ? round(steps.dq.seconds) : null,
        transform_s: steps.transform ? round(steps.transform.seconds) : null,
        end_to_end_s: round(total),
        end_to_end_rows_per_s: done ? Math.round(ROWS / total) : null,
        all_steps_succeeded: done,
        failures,
        peak_rss_mb: rss,
        cpu_s: cpu,
        peer: 'postgres_copy',
        ingest_vs_copy: round(ingest.seconds / copySeconds),
        end_to_end_vs_copy: done ? round(total / copySeconds) : null,
      }),
    );
    console.log(JSON.stringify({ name: 'pipeline_1m_rows', impl: 'postgres_copy', rows: ROWS, copy_s: round(copySeconds), rows_per_s: Math.round(ROWS / copySeconds), peer: null }));
  } finally {
    await platform?.stop();
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
    await admin.query('DELETE FROM warehouse.table_versions WHERE tenant_id = $1', [tenantId]).catch(() => undefined);
    await admin.end();
    await removeStreams(nc, topology).catch(() => undefined);
    await closeNats(nc);
    await rm(root, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
