// The SQL rules against a real PostgreSQL: what the analysis accepts runs once rendered, and the
// function allowlist names real, side-effect-free functions.
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { ALLOWED_SQL_FUNCTIONS, analyzeSql, renderSql } from './index';

const DATABASE_URL = process.env.DATABASE_URL ?? '';
const SCHEMA = `pipeline_spec_${randomBytes(5).toString('hex')}`;

/** Allowlisted functions added after PostgreSQL 15, the oldest server this test runs against. */
const NEWER_THAN_POSTGRES_15 = new Set(['json_agg_strict', 'jsonb_agg_strict', 'any_value', 'date_add', 'date_subtract', 'array_reverse', 'array_sort', 'uuidv4', 'uuidv7']);
/** Volatile only because they read the clock or randomness; every other allowlisted function is stable or immutable. */
const VOLATILE_WITHOUT_SIDE_EFFECTS = new Set(['clock_timestamp', 'gen_random_uuid', 'random']);

describe('pipeline SQL on PostgreSQL', () => {
  const client = new Client({ connectionString: DATABASE_URL });

  beforeAll(async () => {
    await client.connect();
    await client.query(`create schema ${SCHEMA}`);
    await client.query(`create table ${SCHEMA}.stg_load (title text, rating numeric)`);
    await client.query(`create table ${SCHEMA}.stg_genres (title text, genre text)`);
    await client.query(`insert into ${SCHEMA}.stg_load values ('Alien', 8.5), ('Heat', 8.3), ('Cats', 2.8), ('Alien', 9.1)`);
    await client.query(`insert into ${SCHEMA}.stg_genres values ('Alien', 'Horror'), ('Heat', 'Crime'), ('Cats', 'Musical')`);
  });

  afterAll(async () => {
    await client.query(`drop schema if exists ${SCHEMA} cascade`);
    await client.end();
  });

  /** Runs SQL the way the README asks workers to: one statement, extended protocol, read-only transaction. */
  async function runReadOnly(sql: string): Promise<Record<string, unknown>[]> {
    await client.query('begin read only');
    try {
      const result = await client.query({ text: sql, values: [] });
      return result.rows as Record<string, unknown>[];
    } finally {
      await client.query('rollback');
    }
  }

  const render = (sql: string) => renderSql(sql, (target) => ({ schema: SCHEMA, table: target.kind === 'ref' ? `stg_${target.step}` : 'stg_load' }));

  it('runs an accepted transform with joins, CTEs, window functions, aggregates, CASE and casts', async () => {
    const sql = `
      with ranked as (
        select m.title, m.rating, g.genre,
               row_number() over (partition by g.genre order by m.rating desc) as position
        from {{ ref('load') }} as m join {{ ref('genres') }} g on g.title = m.title
      )
      select genre, max(rating)::numeric(4, 1) as best, count(*) as n,
             case when max(rating) >= 8 then 'great' else 'poor' end as verdict,
             upper(genre) || '!' as shout
      from ranked where position <= 2 group by genre order by genre`;
    await expect(analyzeSql(sql, 'transform')).resolves.toEqual({ ok: true, refs: ['load', 'genres'], readsInput: false });
    expect(await runReadOnly(render(sql))).toEqual([
      { genre: 'Crime', best: '8.3', n: '1', verdict: 'great', shout: 'CRIME!' },
      { genre: 'Horror', best: '9.1', n: '2', verdict: 'great', shout: 'HORROR!' },
      { genre: 'Musical', best: '2.8', n: '1', verdict: 'poor', shout: 'MUSICAL!' },
    ]);
  });

  it('runs an accepted dq query over {{ input }}', async () => {
    const sql = 'select count(*) as n from {{ input }} where rating > 10 or rating < 0';
    await expect(analyzeSql(sql, 'dq')).resolves.toMatchObject({ ok: true, readsInput: true });
    expect(await runReadOnly(render(sql))).toEqual([{ n: '0' }]);
  });

  it('allowlists only functions that exist in pg_catalog (or in a newer PostgreSQL)', async () => {
    const names = [...ALLOWED_SQL_FUNCTIONS];
    const { rows } = await client.query<{ proname: string }>(
      "select distinct proname from pg_proc where pronamespace = 'pg_catalog'::regnamespace and proname = any($1)",
      [names],
    );
    const present = new Set(rows.map((row) => row.proname));
    const missing = names.filter((name) => !present.has(name));
    expect(missing.filter((name) => !NEWER_THAN_POSTGRES_15.has(name))).toEqual([]);
  });

  it('allowlists no volatile function except clock and randomness readers', async () => {
    const { rows } = await client.query<{ proname: string }>(
      "select distinct proname from pg_proc where pronamespace = 'pg_catalog'::regnamespace and proname = any($1) and provolatile = 'v'",
      [[...ALLOWED_SQL_FUNCTIONS]],
    );
    expect(rows.map((row) => row.proname).filter((name) => !VOLATILE_WITHOUT_SIDE_EFFECTS.has(name))).toEqual([]);
  });
});
