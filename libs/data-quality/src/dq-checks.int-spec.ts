import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CheckResult, WarehouseTable } from '@sluice/contracts';
import { DqStep } from '@sluice/pipeline-spec';
import { ensureTenantSchema, qualifiedName } from '@sluice/warehouse';
import { Pool, type PoolClient } from 'pg';
import { DqCheckRunner, DqInputError, sampleSeed } from './lib/check-runner';
import { uniqueGroupingSetting } from './lib/check-query';
import { extendedQuery } from './lib/sql-query';

jest.setTimeout(60_000);

/** vega-datasets' movies: 3201 real rows with nulls, duplicate titles and odd ratings. */
interface Movie {
  title: string | null;
  genre: string | null;
  mpaa: string | null;
  imdb: number | null;
  votes: number | null;
}
// The package exports only its JS entry, so the file is read from where npm put it.
const raw = JSON.parse(readFileSync(resolve(__dirname, '../../../node_modules/vega-datasets/data/movies.json'), 'utf8')) as Record<string, unknown>[];
const movies: Movie[] = raw.map((m) => ({
  title: m.Title === null ? null : String(m.Title),
  genre: (m['Major Genre'] as string | null) ?? null,
  mpaa: (m['MPAA Rating'] as string | null) ?? null,
  imdb: (m['IMDB Rating'] as number | null) ?? null,
  votes: (m['IMDB Votes'] as number | null) ?? null,
}));

// Independent counts, computed here from the source file.
const count = (predicate: (m: Movie) => boolean, rows: readonly Movie[] = movies) => rows.filter(predicate).length;
const duplicatedRows = (rows: readonly Movie[]) => {
  const seen = new Map<string, number>();
  for (const m of rows) if (m.title !== null) seen.set(m.title, (seen.get(m.title) ?? 0) + 1);
  return count((m) => m.title !== null && (seen.get(m.title) ?? 0) > 1, rows);
};
const RATINGS = ['G', 'PG', 'PG-13', 'R'];

/** `pool`, recording the text of every statement its connections run and how many connections were taken. */
function recordingPool(pool: Pool) {
  const statements: string[] = [];
  let connections = 0;
  const record = (client: PoolClient): PoolClient =>
    new Proxy(client, {
      get(target, property, receiver) {
        if (property !== 'query') return Reflect.get(target, property, receiver);
        return (query: string | { text: string }, ...rest: unknown[]) => {
          statements.push(typeof query === 'string' ? query : query.text);
          return (target.query as (...args: unknown[]) => unknown)(query, ...rest);
        };
      },
    });
  const recording = {
    connect: async () => {
      connections++;
      return record(await pool.connect());
    },
  } as unknown as Pool;
  return { pool: recording, statements, connections: () => connections };
}

describe('DqCheckRunner on PostgreSQL', () => {
  const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 2 });
  const tenantId = randomUUID();
  let schema: string;
  let table: WarehouseTable;
  const runner = new DqCheckRunner(pool, 30_000);

  const runChecks = async (checks: unknown[], extra: Record<string, unknown> = {}, runId = randomUUID(), on = table) =>
    runner.run({ runId, table: on, step: DqStep.parse({ id: 'check', kind: 'dq', input: 'load', checks, ...extra }) });
  const byName = (results: CheckResult[], name: string) => {
    const found = results.find((r) => r.name === name);
    if (!found) throw new Error(`no result ${name}`);
    return found;
  };

  beforeAll(async () => {
    schema = await ensureTenantSchema((sql) => pool.query(sql), tenantId);
    table = { schema, table: 'stg__movies__load' };
    await pool.query(`CREATE TABLE ${qualifiedName(table)} (title text, genre text, mpaa text, imdb numeric, votes integer, updated_at timestamptz)`);
    await pool.query(
      `INSERT INTO ${qualifiedName(table)} (title, genre, mpaa, imdb, votes, updated_at)
       SELECT title, genre, mpaa, imdb, votes, now() - interval '2 hours' FROM jsonb_to_recordset($1::jsonb) AS m(title text, genre text, mpaa text, imdb numeric, votes integer)`,
      [JSON.stringify(movies)],
    );
  });

  afterAll(async () => {
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
  });

  it('groups a unique check of a number column by a sort and one of a text column by a hash table, with the same counts either way', async () => {
    const setting = async (column: string) =>
      (await pool.query<{ hashagg: string }>(extendedQuery(uniqueGroupingSetting(table, column)))).rows.map((row) => row.hashagg);
    expect(await setting('votes')).toEqual(['off']);
    expect(await setting('title')).toEqual(['on']);
    expect(await setting('no_such_column')).toEqual([]);
    // the setting lives only as long as the check's transaction
    expect((await pool.query<{ enable_hashagg: string }>('SHOW enable_hashagg')).rows[0].enable_hashagg).toBe('on');

    const seen = new Map<number, number>();
    for (const m of movies) if (m.votes !== null) seen.set(m.votes, (seen.get(m.votes) ?? 0) + 1);
    const duplicatedVotes = count((m) => m.votes !== null && (seen.get(m.votes) ?? 0) > 1);
    expect(duplicatedVotes).toBeGreaterThan(0);
    const { checks } = await runChecks([{ type: 'unique', column: 'votes' }]);
    expect(byName(checks, 'unique:votes')).toMatchObject({ passed: false, failingCount: duplicatedVotes, checkedCount: movies.length });
    expect(byName(checks, 'unique:votes').examples.every((row) => (seen.get(Number(row.votes)) ?? 0) > 1)).toBe(true);
  });

  it('gives every check the failing count computed independently from the source file', async () => {
    const report = await runChecks([
      { type: 'not_null', column: 'genre' },
      { type: 'unique', column: 'title', severity: 'warn' },
      { type: 'range', column: 'imdb', min: 2, max: 8 },
      { type: 'accepted_values', column: 'mpaa', values: RATINGS },
      { type: 'regex', column: 'title', pattern: '^[A-Z]' },
      { type: 'row_count', min: 5000 },
      { type: 'freshness', column: 'updated_at', maxAge: '1h' },
      { type: 'sql', name: 'no_blockbuster_flops', query: 'select count(*) from {{ input }} where imdb > 9', mustBe: 0 },
    ]);
    const { checks } = report;
    expect(report.rowsIn).toBe(movies.length);

    expect(byName(checks, 'not_null:genre')).toMatchObject({ passed: false, failingCount: count((m) => m.genre === null), checkedCount: movies.length });
    expect(byName(checks, 'unique:title')).toMatchObject({ severity: 'warn', passed: false, failingCount: duplicatedRows(movies) });
    expect(byName(checks, 'range:imdb')).toMatchObject({ failingCount: count((m) => m.imdb !== null && (m.imdb < 2 || m.imdb > 8)) });
    expect(byName(checks, 'accepted_values:mpaa')).toMatchObject({ failingCount: count((m) => m.mpaa !== null && !RATINGS.includes(m.mpaa)) });
    expect(byName(checks, 'regex:title')).toMatchObject({ failingCount: count((m) => m.title !== null && !/^[A-Z]/.test(m.title)) });
    expect(byName(checks, 'row_count')).toMatchObject({ passed: false, failingCount: 1, observed: movies.length });
    expect(byName(checks, 'freshness:updated_at')).toMatchObject({ passed: false, failingCount: 1 });
    expect(byName(checks, 'freshness:updated_at').observed).toBeGreaterThanOrEqual(7200);
    const nines = count((m) => m.imdb !== null && m.imdb > 9);
    expect(byName(checks, 'no_blockbuster_flops')).toMatchObject({ passed: nines === 0, observed: nines });

    // the data set really is messy: these counts are not trivially zero
    for (const name of ['not_null:genre', 'unique:title', 'range:imdb', 'accepted_values:mpaa', 'regex:title']) expect(byName(checks, name).failingCount).toBeGreaterThan(0);
    expect(report.failedErrors).toEqual(expect.arrayContaining(['not_null:genre', 'range:imdb', 'row_count', 'freshness:updated_at']));
    expect(report.failedErrors).not.toContain('unique:title');
  });

  it('keeps at most 5 examples, each of them an offending row', async () => {
    const { checks } = await runChecks([
      { type: 'not_null', column: 'genre' },
      { type: 'unique', column: 'title' },
      { type: 'range', column: 'imdb', max: 8 },
      { type: 'accepted_values', column: 'mpaa', values: RATINGS },
    ]);
    for (const check of checks) expect(check.examples.length).toBe(5);
    expect(byName(checks, 'not_null:genre').examples.every((row) => row.genre === null)).toBe(true);
    expect(byName(checks, 'range:imdb').examples.every((row) => Number(row.imdb) > 8)).toBe(true);
    expect(byName(checks, 'accepted_values:mpaa').examples.every((row) => !RATINGS.includes(row.mpaa as string))).toBe(true);
    const titles = byName(checks, 'unique:title').examples.map((row) => row.title as string);
    for (const title of titles) expect(count((m) => m.title === title)).toBeGreaterThan(1);
  });

  it('passes checks that hold, with no examples', async () => {
    const { checks, failedErrors } = await runChecks([
      { type: 'row_count', min: 1, max: movies.length },
      { type: 'freshness', column: 'updated_at', maxAge: '1d' },
      { type: 'range', column: 'imdb', min: 0, max: 10 },
      { type: 'sql', name: 'all_rows', query: 'select count(*) = 3201 from {{ input }}', mustBe: 1 },
    ]);
    expect(checks.map((c) => c.passed)).toEqual([true, true, true, true]);
    expect(checks.every((c) => c.examples.length === 0 && c.failingCount === 0)).toBe(true);
    expect(failedErrors).toEqual([]);
  });

  it('lets a check pass within its thresholds and still reports what failed', async () => {
    const nulls = count((m) => m.genre === null);
    const percent = (nulls * 100) / movies.length;
    const { checks } = await runChecks([
      { type: 'not_null', column: 'genre', maxFailing: nulls },
      { type: 'not_null', column: 'genre', maxFailing: nulls - 1 },
      { type: 'not_null', column: 'genre', maxFailingPercent: Math.ceil(percent) },
      { type: 'not_null', column: 'genre', maxFailingPercent: Math.floor(percent) },
    ]);
    expect(checks.map((c) => [c.passed, c.failingCount])).toEqual([
      [true, nulls],
      [false, nulls],
      [true, nulls],
      [false, nulls],
    ]);
  });

  it('samples row-level checks repeatably for a run, counting failures within the sample', async () => {
    const runId = randomUUID();
    const checks = [
      { type: 'not_null', column: 'genre' },
      { type: 'row_count', min: 1 },
    ];
    const first = await runChecks(checks, { sample: { percent: 10 } }, runId);
    const again = await runChecks(checks, { sample: { percent: 10 } }, runId);
    expect(again.checks).toEqual(first.checks);

    const sampled = byName(first.checks, 'not_null:genre');
    expect(sampled.checkedCount).toBeGreaterThan(movies.length * 0.05);
    expect(sampled.checkedCount).toBeLessThan(movies.length * 0.15);
    // the rows of that very sample, counted here
    const { rows } = await pool.query<Movie>(`SELECT genre FROM ${qualifiedName(table)} TABLESAMPLE BERNOULLI (10) REPEATABLE (${sampleSeed(runId)})`);
    expect(rows.length).toBe(sampled.checkedCount);
    expect(sampled.failingCount).toBe(count((m) => m.genre === null, rows));
    // row_count ignores sampling
    expect(byName(first.checks, 'row_count').observed).toBe(movies.length);
    expect(first.rowsIn).toBe(movies.length);
  });

  it('reports a check that cannot run (unknown column, bad cast, timeout) as failed with its error, and runs the others', async () => {
    const { checks, failedErrors } = await runChecks([
      { type: 'not_null', column: 'no_such_column' },
      { type: 'range', column: 'title', min: 0 },
      { type: 'row_count', min: 1 },
    ]);
    expect(byName(checks, 'not_null:no_such_column')).toMatchObject({ passed: false, error: expect.stringMatching(/does not exist/) });
    expect(byName(checks, 'range:title')).toMatchObject({ passed: false, error: expect.stringMatching(/invalid input syntax/) });
    expect(byName(checks, 'row_count')).toMatchObject({ passed: true });
    expect(failedErrors).toEqual(['not_null:no_such_column', 'range:title']);

    const impatient = new DqCheckRunner(pool, 1_000);
    const timed = await impatient.run({
      runId: randomUUID(),
      table,
      step: DqStep.parse({ id: 'check', kind: 'dq', input: 'load', checks: [{ type: 'sql', name: 'slow', query: 'select count(*) from {{ input }} a, {{ input }} b, {{ input }} c', mustBe: 0, severity: 'warn' }] }),
    });
    expect(timed.checks[0]).toMatchObject({ name: 'slow', passed: false, error: expect.stringMatching(/statement timeout/) });
    expect(timed.failedErrors).toEqual([]);
  });

  it('refuses to run a sql check the parser refuses, even if it reached the worker', async () => {
    const { checks } = await runChecks([{ type: 'sql', name: 'sneaky', query: 'select count(*) from {{ input }}; delete from {{ input }}', mustBe: 0 }]);
    expect(checks[0]).toMatchObject({ passed: false, error: expect.stringMatching(/query refused/) });
    expect((await pool.query(`SELECT count(*)::int AS n FROM ${qualifiedName(table)}`)).rows[0].n).toBe(movies.length);
  });

  it('sends every statement over the extended protocol, which refuses a second statement', async () => {
    await expect(pool.query(extendedQuery({ text: `SELECT 1; DROP TABLE ${qualifiedName(table)}`, values: [] }))).rejects.toThrow(/multiple commands/);
    expect((await pool.query(`SELECT count(*)::int AS n FROM ${qualifiedName(table)}`)).rows[0].n).toBe(movies.length);
  });

  it('fails the whole step when the input table does not exist', async () => {
    await expect(runChecks([{ type: 'row_count', min: 1 }], {}, randomUUID(), { schema, table: 'stg__nothing__here' })).rejects.toBeInstanceOf(DqInputError);
  });

  describe('measuring the predicate checks in one scan', () => {
    const predicateChecks = [
      { type: 'not_null', column: 'genre' },
      { type: 'range', column: 'imdb', min: 2, max: 8 },
      { type: 'accepted_values', column: 'mpaa', values: RATINGS, severity: 'warn' },
      { type: 'regex', column: 'title', pattern: '^[A-Z]', maxFailingPercent: 50 },
    ];
    const steps = (checks: unknown[], extra: Record<string, unknown> = {}) => DqStep.parse({ id: 'check', kind: 'dq', input: 'load', checks, ...extra });

    /** Each check alone in a step of its own, so by its own statements. */
    const oneByOne = async (checks: unknown[], runId: string, extra: Record<string, unknown> = {}) => {
      const results: CheckResult[] = [];
      for (const check of checks) results.push(...(await runner.run({ runId, table, step: steps([check], extra) })).checks);
      return results;
    };

    it.each([
      ['the whole table', {}],
      ['a sample', { sample: { percent: 20 } }],
    ])('gives the same counts, verdicts and examples as each check run alone, over %s', async (_, extra) => {
      const runId = randomUUID();
      const recorded = recordingPool(pool);
      const together = await new DqCheckRunner(recorded.pool, 30_000).run({ runId, table, step: steps([...predicateChecks, { type: 'unique', column: 'title' }], extra) });

      expect(together.checks.slice(0, 4)).toEqual(await oneByOne(predicateChecks, runId, extra));
      expect(together.checks.map((check) => check.name)).toEqual(['not_null:genre', 'range:imdb', 'accepted_values:mpaa', 'regex:title', 'unique:title']);
      // the comparison means something: the checks find rows (every one of them over the whole table)
      const failing = together.checks.map((check) => check.failingCount);
      expect('sample' in extra ? failing.slice(0, 4).some((n) => n > 0) : failing.every((n) => n > 0)).toBe(true);
      // one statement counted the four predicate checks; unique ran on a second connection
      const counting = recorded.statements.filter((text) => text.includes('count(*) FILTER (WHERE'));
      expect(counting).toHaveLength(1);
      expect(counting[0]).toContain('failing_3');
      expect(recorded.connections()).toBe(2);
    });

    it('falls back to one statement per check when one of them cannot run, so only that one reports the error', async () => {
      const runId = randomUUID();
      const { checks } = await runChecks([...predicateChecks, { type: 'range', column: 'title', min: 0 }], {}, runId);
      expect(checks[4]).toMatchObject({ name: 'range:title', passed: false, error: expect.stringMatching(/invalid input syntax/) });
      expect(checks.slice(0, 4)).toEqual(await oneByOne(predicateChecks, runId));
    });

    it('runs every check on a pool of one connection, only not two at a time', async () => {
      const single = new Pool({ connectionString: process.env.DATABASE_URL, max: 1 });
      try {
        const runId = randomUUID();
        const checks = [...predicateChecks, { type: 'unique', column: 'title' }, { type: 'row_count', min: 1 }];
        const report = await new DqCheckRunner(single, 30_000).run({ runId, table, step: steps(checks) });
        const shared = await runner.run({ runId, table, step: steps(checks) });
        expect(report).toEqual(shared);
      } finally {
        await single.end();
      }
    });
  });
});
