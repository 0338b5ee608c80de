import { parsePipeline } from './parse-pipeline';
import type { PipelineParseResult } from './parse-pipeline';
import { analyzeSql } from './sql-analysis';

/** A valid pipeline whose transform (steps.1) runs `sql` over the ingest step `load`. */
function pipelineWithTransform(sql: string): string {
  return JSON.stringify({
    name: 'hostile',
    steps: [
      {
        id: 'load',
        kind: 'ingest',
        source: { type: 'file', path: 'movies.csv', format: 'csv' },
        columns: [
          { name: 'title', type: 'text' },
          { name: 'rating', type: 'numeric' },
        ],
      },
      { id: 'clean', kind: 'transform', inputs: ['load'], sql, output: { table: 'movies_clean', mode: 'replace' } },
    ],
  });
}

function errorsOf(result: PipelineParseResult): readonly { path: string; message: string }[] {
  if (result.valid) throw new Error('expected the pipeline to be refused');
  return result.errors;
}

describe('transform SQL', () => {
  const hostile: [string, string, RegExp][] = [
    ['a second statement', 'select 1; drop table x', /single statement; found 2/],
    ['a statement hidden after a comment', 'select 1 /* */; drop table x', /single statement; found 2/],
    ['a statement after a line comment and newline', "select title from {{ ref('load') }} -- x\n; delete from x", /single statement; found 2/],
    ['DELETE', 'delete from x', /not DELETE/],
    ['UPDATE', "update x set a = 1", /not UPDATE/],
    ['INSERT', "insert into x select * from {{ ref('load') }}", /not INSERT/],
    ['MERGE', 'merge into x using y on true when matched then delete', /not MERGE/],
    ['CREATE TABLE', 'create table x (a int)', /not CREATE TABLE/],
    ['DROP', 'drop table x', /not DROP/],
    ['ALTER TABLE', 'alter table x add column b int', /not ALTER TABLE/],
    ['TRUNCATE', 'truncate x', /not TRUNCATE/],
    ['COPY to a file', "copy (select 1) to 'out.csv'", /not COPY/],
    ['COPY from a program', "copy x from program 'id'", /not COPY/],
    ['GRANT', 'grant all on x to public', /not GRANT/],
    ['SET', "set role postgres", /not SET/],
    ['DO block', "do $$ begin perform pg_sleep(1); end $$", /not DO/],
    ['a data-modifying CTE', 'with d as (delete from x returning *) select * from d', /DELETE modifies data/],
    ['a data-modifying CTE over a ref', "with d as (update x set a = 1 returning *) select * from {{ ref('load') }}", /UPDATE modifies data/],
    ['a pg_catalog table', 'select * from pg_catalog.pg_user', /table pg_catalog.pg_user is not allowed/],
    ['an unqualified catalog view', 'select * from pg_user', /table pg_user is not allowed/],
    ['another schema', 'select * from other_tenant.table', /syntax error|not allowed/],
    ['another tenant table', 'select * from other_tenant.movies', /table other_tenant.movies is not allowed/],
    ['information_schema', 'select * from information_schema.tables', /table information_schema.tables is not allowed/],
    ['a subquery on a catalog', "select * from {{ ref('load') }} where title in (select usename from pg_shadow)", /table pg_shadow is not allowed/],
    ['a CTE name used outside its scope', "select * from (with pg_user as (select 1) select 1) a, pg_user", /table pg_user is not allowed/],
    ['a unicode-escaped catalog name', 'select * from U&"\\0070g_authid"', /table pg_authid is not allowed/],
    ['pg_sleep', 'select pg_sleep(10)', /pg_sleep\(\) is not allowed: it has side effects/],
    ['qualified pg_sleep', 'select pg_catalog.pg_sleep(10)', /pg_sleep\(\) is not allowed/],
    ['quoted pg_sleep', 'select "pg_sleep"(10)', /pg_sleep\(\) is not allowed/],
    ['lo_import', "select lo_import('/etc/passwd')", /lo_import\(\) is not allowed/],
    ['pg_read_file', "select pg_read_file('/etc/passwd')", /pg_read_file\(\) is not allowed/],
    ['dblink', "select * from dblink('host=x', 'select 1') as t(a int)", /dblink\(\) is not allowed|not supported/],
    ['set_config', "select set_config('role', 'postgres', false)", /set_config\(\) is not allowed/],
    ['nextval', "select nextval('s')", /nextval\(\) is not allowed/],
    ['advisory locks', 'select pg_advisory_lock(1)', /pg_advisory_lock\(\) is not allowed/],
    ['an unknown user function', "select evil(title) from {{ ref('load') }}", /evil\(\) is not in the list of allowed functions/],
    ['a function in another schema', "select public.lower(title) from {{ ref('load') }}", /functions outside pg_catalog/],
    ['a side effect inside a dollar-quoted string function', "select $$x$$, pg_terminate_backend(1)", /pg_terminate_backend\(\) is not allowed/],
    ['a regclass cast that looks up the catalog', "select 'pg_authid'::regclass", /type regclass is not allowed/],
    ['current_user', 'select current_user', /reveal server state/],
    ['SELECT INTO', "select * into newtable from {{ ref('load') }}", /SELECT \.\.\. INTO creates a table/],
    ['FOR UPDATE', "select * from {{ ref('load') }} for update", /FOR UPDATE \/ FOR SHARE/],
    ['FOR SHARE', "select * from {{ ref('load') }} for share", /FOR UPDATE \/ FOR SHARE/],
    ['a parameter', "select * from {{ ref('load') }} where title = $1", /parameters such as \$1/],
    ['a ref inside a string literal', "select '{{ ref('load') }}'", /must stand where a table name goes/],
    ['a ref hidden in a comment', "select 1 /* {{ ref('load') }} */", /must stand where a table name goes/],
    ['a ref inside a dollar-quoted string', "select $q${{ ref('load') }}$q$", /must stand where a table name goes/],
    ['a ref used as a column qualifier', "select {{ ref('load') }}.title from {{ ref('load') }}", /must stand where a table name goes/],
    ['a schema before a ref', "select * from public.{{ ref('load') }}", /not allowed/],
    ['{{ input }} in a transform', 'select * from {{ input }}', /only for dq sql checks/],
    ['an unknown template', 'select * from {{ env.SECRET }}', /unknown template expression/],
    ['an unbalanced template', "select * from {{ ref('load') }", /unbalanced|unknown template/],
    ['a NUL byte that hides a statement from the parser', 'select 1\u0000; drop table x', /NUL/],
    ['unicode escapes spelling DROP', "select U&'\\0027'; drop table x", /single statement; found 2/],
    ['a syntax error', 'selec 1', /SQL syntax error/],
    ['empty SQL', '   ', /SQL is empty/],
    ['only a comment', '-- nothing', /SQL is empty/],
    ['TABLESAMPLE', "select * from {{ ref('load') }} tablesample system (1)", /RangeTableSample is not supported/],
    ['deeply nested expressions', `select ${'-('.repeat(2000)}title${')'.repeat(2000)} from {{ ref('load') }}`, /nested too deeply/],
    ['deeply nested subqueries', `select ${'(select '.repeat(1000)}1${')'.repeat(1000)}`, /nested too deeply/],
  ];

  it.each(hostile)('refuses %s at steps.1.sql', async (_label, sql, message) => {
    const errors = errorsOf(await parsePipeline(pipelineWithTransform(sql), 'json'));
    expect(errors).toEqual([{ path: 'steps.1.sql', message: expect.stringMatching(message) }]);
  });

  it('accepts a complex read-only SELECT over two refs and reports both refs', async () => {
    const sql = `
      with ranked as (
        select m.title, m.rating, g.genre,
               row_number() over (partition by g.genre order by m.rating desc nulls last) as position,
               avg(m.rating) over w as genre_avg
        from {{ ref('load') }} as m
        join {{ ref("genres") }} g on g.title = m.title
        window w as (partition by g.genre)
      ), totals as (
        select genre, count(*) filter (where rating > 5) as good, sum(rating)::numeric(10, 2) as total
        from ranked group by rollup(genre)
      )
      select r.title, upper(r.genre) as genre, coalesce(r.rating, 0) as rating,
             case when r.rating >= 8 then 'great' when r.rating >= 5 then 'fine' else 'poor' end as verdict,
             cast(r.position as bigint) as position, t.total, date_trunc('day', now()) as loaded_at,
             extract(year from current_date) as year, jsonb_build_object('t', r.title) as doc,
             r.title ilike '%the%' as has_the, $$it's$$ as note
      from ranked r left join totals t using (genre)
      where r.position <= 10 and exists (select 1 from totals x where x.genre = r.genre)
      union all
      select title, null, rating, 'unranked', 0, null, now(), 0, '{}'::jsonb, false, 'x' from {{ ref('load') }}
      order by 1 limit 100`;
    const result = await parsePipeline(
      JSON.stringify({
        name: 'complex',
        steps: [
          { id: 'load', kind: 'ingest', source: { type: 'file', path: 'm.csv', format: 'csv' }, columns: [{ name: 'title', type: 'text' }] },
          { id: 'genres', kind: 'ingest', source: { type: 'file', path: 'g.csv', format: 'csv' }, columns: [{ name: 'genre', type: 'text' }] },
          { id: 'clean', kind: 'transform', inputs: ['load', 'genres'], sql, output: { table: 'ranked_movies', mode: 'replace' } },
        ],
      }),
      'json',
    );
    expect(result).toMatchObject({ valid: true });
    await expect(analyzeSql(sql, 'transform')).resolves.toEqual({ ok: true, refs: ['load', 'genres'], readsInput: false });
  });

  it('accepts a recursive CTE that reads only itself and a ref', async () => {
    const sql = "with recursive n(i) as (select 1 union all select i + 1 from n where i < 10) select i, title from n, {{ ref('load') }}";
    await expect(analyzeSql(sql, 'transform')).resolves.toEqual({ ok: true, refs: ['load'], readsInput: false });
  });

  it('refuses a ref to a step that is not listed in inputs', async () => {
    const errors = errorsOf(await parsePipeline(pipelineWithTransform("select * from {{ ref('other') }}"), 'json'));
    expect(errors).toEqual([{ path: 'steps.1.sql', message: "ref('other') names an unknown step" }]);
  });
});

describe('dq sql check queries', () => {
  function pipelineWithCheckQuery(query: string): string {
    return JSON.stringify({
      name: 'checks',
      steps: [
        { id: 'load', kind: 'ingest', source: { type: 'file', path: 'm.csv', format: 'csv' }, columns: [{ name: 'title', type: 'text' }] },
        { id: 'check', kind: 'dq', input: 'load', checks: [{ type: 'not_null', column: 'title' }, { type: 'sql', name: 'q', query, mustBe: 0 }] },
      ],
    });
  }

  it('accepts a count over {{ input }}', async () => {
    const result = await parsePipeline(pipelineWithCheckQuery('select count(*) from {{ input }} where title is null'), 'json');
    expect(result.valid).toBe(true);
  });

  it.each([
    ['ref() instead of input', "select count(*) from {{ ref('load') }}", /reads \{\{ input \}\}, not ref\(\)/],
    ['a query that ignores its input', 'select 0', /must read \{\{ input \}\}/],
    ['another table', 'select count(*) from {{ input }}, pg_roles', /table pg_roles is not allowed/],
    ['a second statement', 'select 0 from {{ input }}; drop table x', /single statement/],
    ['pg_sleep', 'select count(*) from {{ input }} where pg_sleep(1) is null', /pg_sleep\(\) is not allowed/],
  ])('refuses %s at steps.1.checks.1.query', async (_label, query, message) => {
    const errors = errorsOf(await parsePipeline(pipelineWithCheckQuery(query), 'json'));
    expect(errors).toEqual([{ path: 'steps.1.checks.1.query', message: expect.stringMatching(message) }]);
  });
});
