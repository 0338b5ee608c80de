import { randomUUID } from 'node:crypto';
import { InvalidArgumentError, NotFoundError, type PipelineStepJobMessage } from '@sluice/contracts';
import { ensureTenantSchema, qualifiedName, tenantSchema } from '@sluice/warehouse';
import { Pool } from 'pg';
import { DatasetsRepository } from './lib/datasets.repository';
import { planTransform, TransformJobError } from './lib/transform-job';
import { TransformWriter, TransformWriteError } from './lib/transform-writer';

jest.setTimeout(60_000);

describe('transforms on PostgreSQL: replace, append, upsert, lineage and datasets', () => {
  const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 4 });
  const writer = new TransformWriter(pool, 30_000);
  const datasets = new DatasetsRepository(pool, 30_000);
  const tenantId = randomUUID();
  const otherTenant = randomUUID();
  const schema = tenantSchema(tenantId);
  const input = { schema, table: 'stg__sales__load' };

  const job = (sql: string, output: Record<string, unknown>, runId = randomUUID(), stepId = 'clean'): PipelineStepJobMessage => ({
    runId,
    stepId,
    tenantId,
    pipeline: 'sales',
    version: 3,
    attempt: 1,
    step: { id: stepId, kind: 'transform', inputs: ['load'], sql, output },
    tables: { load: input },
  });
  const transform = async (message: PipelineStepJobMessage) => writer.run(await planTransform(message));
  const rowsOf = async (table: string, order = 'id') =>
    (await pool.query(`SELECT * FROM ${qualifiedName({ schema, table })} ORDER BY ${order}`)).rows as Record<string, unknown>[];
  const versionsOf = async (table: string) =>
    (await pool.query(`SELECT version, rows::int, run_id, step_id, pipeline, pipeline_version, mode FROM warehouse.table_versions WHERE tenant_id = $1 AND table_name = $2 ORDER BY version`, [tenantId, table])).rows;
  const setInput = async (rows: [number, string, number][]) => {
    await pool.query(`TRUNCATE ${qualifiedName(input)}`);
    for (const [id, region, amount] of rows) await pool.query(`INSERT INTO ${qualifiedName(input)} VALUES ($1, $2, $3)`, [id, region, amount]);
  };

  beforeAll(async () => {
    await ensureTenantSchema((sql) => pool.query(sql), tenantId);
    await pool.query(`CREATE TABLE ${qualifiedName(input)} (id integer, region text, amount numeric)`);
  });

  afterAll(async () => {
    await pool.query('DELETE FROM warehouse.table_versions WHERE tenant_id = ANY($1::uuid[])', [[tenantId, otherTenant]]);
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.query(`DROP SCHEMA IF EXISTS "${tenantSchema(otherTenant)}" CASCADE`);
    await pool.end();
  });

  it('replaces the whole table each run, recording versions 1, 2... with the run that made each', async () => {
    await setInput([[1, 'north', 10], [2, 'north', 5], [3, 'south', 7]]);
    const sql = "select region as id, sum(amount) as total from {{ ref('load') }} group by region";
    const first = job(sql, { table: 'totals', mode: 'replace' });
    expect(await transform(first)).toEqual({ rowsIn: 2, rowsOut: 2, tableRows: 2, alreadyDone: false, output: { schema, table: 'totals', version: 1 } });
    expect(await rowsOf('totals')).toEqual([{ id: 'north', total: '15' }, { id: 'south', total: '7' }]);

    await setInput([[4, 'east', 1]]);
    const second = job(sql, { table: 'totals', mode: 'replace' });
    expect((await transform(second)).output.version).toBe(2);
    expect(await rowsOf('totals')).toEqual([{ id: 'east', total: '1' }]);
    expect(await versionsOf('totals')).toEqual([
      { version: 1, rows: 2, run_id: first.runId, step_id: 'clean', pipeline: 'sales', pipeline_version: 3, mode: 'replace' },
      { version: 2, rows: 1, run_id: second.runId, step_id: 'clean', pipeline: 'sales', pipeline_version: 3, mode: 'replace' },
    ]);
    // no build table is left behind
    expect((await pool.query(`SELECT to_regclass($1) AS t`, [`"${schema}"."totals__load"`])).rows[0].t).toBeNull();
  });

  it('leaves the old table and no lineage when a replace fails half-way', async () => {
    await setInput([[1, 'north', 10], [2, 'south', 0]]);
    await transform(job("select id, amount from {{ ref('load') }}", { table: 'ratios', mode: 'replace' }));
    const before = await rowsOf('ratios');
    const failing = job("select id, 100 / amount as ratio from {{ ref('load') }}", { table: 'ratios', mode: 'replace' });
    await expect(transform(failing)).rejects.toThrow(TransformWriteError);
    expect(await rowsOf('ratios')).toEqual(before);
    expect((await versionsOf('ratios')).map((v) => v.version)).toEqual([1]);
  });

  it('appends each run\'s rows, and a redelivered job (same run and step) writes nothing and reports the same version', async () => {
    await setInput([[1, 'north', 10], [2, 'south', 7]]);
    const sql = "select id, amount from {{ ref('load') }}";
    const first = job(sql, { table: 'ledger', mode: 'append' });
    expect(await transform(first)).toMatchObject({ rowsOut: 2, tableRows: 2, alreadyDone: false, output: { version: 1 } });
    const redelivered = await transform(first);
    expect(redelivered).toMatchObject({ alreadyDone: true, tableRows: 2, output: { table: 'ledger', version: 1 } });
    expect(await rowsOf('ledger')).toHaveLength(2);

    const second = job(sql, { table: 'ledger', mode: 'append' });
    expect(await transform(second)).toMatchObject({ rowsOut: 2, tableRows: 4, output: { version: 2 } });
    expect((await rowsOf('ledger')).map((r) => r.id)).toEqual([1, 1, 2, 2]);
    expect((await versionsOf('ledger')).map((v) => [v.version, v.rows])).toEqual([[1, 2], [2, 4]]);
  });

  it('writes once when the same job is delivered to two workers at the same time', async () => {
    await setInput([[1, 'north', 10], [2, 'south', 7], [3, 'west', 1]]);
    const message = job("select id, amount from {{ ref('load') }}", { table: 'journal', mode: 'append' });
    const results = await Promise.all([transform(message), transform(message), transform(message)]);
    expect(results.filter((r) => !r.alreadyDone)).toHaveLength(1);
    expect(results.every((r) => r.output.version === 1)).toBe(true);
    expect(await rowsOf('journal')).toHaveLength(3);
  });

  it('matches appended columns by name, whatever their order in the query', async () => {
    await setInput([[1, 'north', 10]]);
    await transform(job("select id, region from {{ ref('load') }}", { table: 'by_name', mode: 'append' }));
    await transform(job("select region, id from {{ ref('load') }}", { table: 'by_name', mode: 'append' }));
    expect(await rowsOf('by_name')).toEqual([{ id: 1, region: 'north' }, { id: 1, region: 'north' }]);
  });

  it('upserts on the key: new keys inserted, existing ones updated, behind a unique index', async () => {
    await setInput([[1, 'north', 10], [2, 'south', 7]]);
    const sql = "select id, region, amount from {{ ref('load') }}";
    expect(await transform(job(sql, { table: 'accounts', mode: 'upsert', key: ['id'] }))).toMatchObject({ rowsOut: 2, tableRows: 2 });
    await setInput([[2, 'south', 70], [3, 'west', 1]]);
    expect(await transform(job(sql, { table: 'accounts', mode: 'upsert', key: ['id'] }))).toMatchObject({ rowsIn: 2, rowsOut: 2, tableRows: 3, output: { version: 2 } });
    expect(await rowsOf('accounts')).toEqual([
      { id: 1, region: 'north', amount: '10' },
      { id: 2, region: 'south', amount: '70' },
      { id: 3, region: 'west', amount: '1' },
    ]);
    const { rows } = await pool.query(`SELECT indexdef FROM pg_indexes WHERE schemaname = $1 AND tablename = 'accounts'`, [schema]);
    expect(rows.map((r) => r.indexdef)).toEqual([expect.stringMatching(/CREATE UNIQUE INDEX accounts__key ON .* \(id\)/)]);
  });

  it('refuses an upsert whose query repeats a key or lacks a key column, changing nothing', async () => {
    await setInput([[1, 'north', 10], [1, 'south', 7]]);
    const before = await rowsOf('accounts');
    await expect(transform(job("select id, region, amount from {{ ref('load') }}", { table: 'accounts', mode: 'upsert', key: ['id'] }))).rejects.toThrow(TransformWriteError);
    await expect(transform(job("select region, amount from {{ ref('load') }}", { table: 'accounts', mode: 'upsert', key: ['id'] }))).rejects.toThrow(/key column id/);
    await expect(transform(job("select id, region from {{ ref('load') }}", { table: 'fresh_upsert', mode: 'upsert', key: ['id'] }))).rejects.toThrow(TransformWriteError);
    expect(await rowsOf('accounts')).toEqual(before);
    expect(await versionsOf('fresh_upsert')).toEqual([]);
    expect((await pool.query(`SELECT to_regclass($1) AS t`, [`"${schema}"."fresh_upsert"`])).rows[0].t).toBeNull();
  });

  it('stops a query at the statement timeout', async () => {
    await setInput(Array.from({ length: 300 }, (_, i) => [i, 'r', i] as [number, string, number]));
    const impatient = new TransformWriter(pool, 500);
    const plan = await planTransform(job("select a.id from {{ ref('load') }} a, {{ ref('load') }} b, {{ ref('load') }} c", { table: 'never', mode: 'replace' }));
    await expect(impatient.run(plan)).rejects.toThrow(/statement timeout/);
  });

  it('refuses jobs whose SQL the parser refuses, or whose refs point outside the tenant', async () => {
    await expect(planTransform(job("select 1 from {{ ref('load') }}; drop table x", { table: 'x1', mode: 'replace' }))).rejects.toThrow(TransformJobError);
    await expect(planTransform(job('select * from pg_catalog.pg_authid', { table: 'x1', mode: 'replace' }))).rejects.toThrow(TransformJobError);
    const foreign = { ...job("select * from {{ ref('load') }}", { table: 'x1', mode: 'replace' }), tables: { load: { schema: tenantSchema(otherTenant), table: 'secret' } } };
    await expect(planTransform(foreign)).rejects.toThrow(/not in the tenant's schema/);
    const missing = { ...job("select * from {{ ref('load') }}", { table: 'x1', mode: 'replace' }), tables: {} };
    await expect(planTransform(missing)).rejects.toThrow(/no table for ref\('load'\)/);
    await expect(planTransform(job("select * from {{ ref('load') }}", { table: 'x1', mode: 'sideways' }))).rejects.toThrow(/output.mode/);
  });

  describe('datasets', () => {
    it('lists the latest version of each of the tenant\'s tables, by name, page by page', async () => {
      const first = await datasets.list(tenantId, 2, '');
      const all = [...first.items];
      let cursor = first.nextCursor;
      while (cursor) {
        const page = await datasets.list(tenantId, 2, cursor);
        all.push(...page.items);
        cursor = page.nextCursor;
      }
      const names = all.map((d) => d.tableName);
      expect(names).toEqual([...names].sort());
      expect(new Set(names).size).toBe(names.length);
      expect(all.find((d) => d.tableName === 'totals')).toMatchObject({ version: 2, rows: 1, pipeline: 'sales' });
      expect(all.find((d) => d.tableName === 'ledger')).toMatchObject({ version: 2, rows: 4 });
      expect((await datasets.list(otherTenant, 50, '')).items).toEqual([]);
    });

    it('pages through a dataset\'s rows as JSON objects, every row exactly once', async () => {
      await setInput(Array.from({ length: 25 }, (_, i) => [i, `r${i % 3}`, i * 1.5] as [number, string, number]));
      await transform(job("select id, region, amount, jsonb_build_object('k', id) as doc from {{ ref('load') }}", { table: 'paged', mode: 'replace' }));
      const seen: Record<string, unknown>[] = [];
      let cursor = '';
      do {
        const page = await datasets.rows(tenantId, 'paged', 10, cursor);
        expect(page.items.length).toBeLessThanOrEqual(10);
        seen.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen).toHaveLength(25);
      expect(seen.map((r) => r.id).sort((a, b) => Number(a) - Number(b))).toEqual(Array.from({ length: 25 }, (_, i) => i));
      expect(seen.find((r) => r.id === 3)).toEqual({ id: 3, region: 'r0', amount: 4.5, doc: { k: 3 } });
    });

    it('refuses a cursor made for an older version of the dataset', async () => {
      const page = await datasets.rows(tenantId, 'paged', 5, '');
      await transform(job("select id from {{ ref('load') }}", { table: 'paged', mode: 'replace' }));
      await expect(datasets.rows(tenantId, 'paged', 5, page.nextCursor)).rejects.toThrow(InvalidArgumentError);
      await expect(datasets.rows(tenantId, 'paged', 5, 'not-a-cursor')).rejects.toThrow(InvalidArgumentError);
    });

    it('answers NOT_FOUND for another tenant\'s table, an unknown one, and a name that is no identifier', async () => {
      await expect(datasets.rows(otherTenant, 'totals', 10, '')).rejects.toThrow(NotFoundError);
      await expect(datasets.rows(tenantId, 'no_such_table', 10, '')).rejects.toThrow(NotFoundError);
      await expect(datasets.rows(tenantId, 'x"; drop', 10, '')).rejects.toThrow(NotFoundError);
      // the lineage outlived a table someone dropped by hand
      await pool.query(`DROP TABLE ${qualifiedName({ schema, table: 'journal' })}`);
      await expect(datasets.rows(tenantId, 'journal', 10, '')).rejects.toThrow(NotFoundError);
    });
  });
});
