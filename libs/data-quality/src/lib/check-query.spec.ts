import { Check, type DqCheck } from '@sluice/pipeline-spec';
import { compileCheck, compileSharedScan, type CheckInput, type PredicateCheck } from './check-query';

const input: CheckInput = { table: { schema: 't_0123456789abcdef0123456789abcdef', table: 'stg__movies__load' } };
const sampled: CheckInput = { ...input, sample: { percent: 12.5, seed: 42 } };
const TABLE = '"t_0123456789abcdef0123456789abcdef"."stg__movies__load"';

const check = (value: Record<string, unknown>) => Check.parse(value) as Exclude<DqCheck, { type: 'sql' }>;

describe('compileCheck', () => {
  it('counts nulls and rows in one statement over the quoted table, and selects at most 5 examples', () => {
    const { measure, examples } = compileCheck(check({ type: 'not_null', column: 'title' }), input);
    expect(measure).toEqual({
      text: `SELECT count(*) FILTER (WHERE "title" IS NULL)::bigint AS failing, count(*)::bigint AS checked, NULL::float8 AS observed FROM ${TABLE}`,
      values: [],
    });
    expect(examples).toEqual({ text: `SELECT * FROM ${TABLE} WHERE "title" IS NULL LIMIT 5`, values: [] });
  });

  it('passes range bounds as parameters, never as text in the statement', () => {
    const { measure, examples } = compileCheck(check({ type: 'range', column: 'rating', min: -1.5, max: 10 }), input);
    expect(measure.text).toContain('"rating"::numeric < $1::numeric OR "rating"::numeric > $2::numeric');
    expect(measure.text).not.toMatch(/1\.5|10/);
    expect(measure.values).toEqual([-1.5, 10]);
    expect(examples?.values).toEqual([-1.5, 10]);
  });

  it('uses only the bound that is given', () => {
    const { measure } = compileCheck(check({ type: 'range', column: 'rating', max: 10 }), input);
    expect(measure.text).toContain('("rating"::numeric > $1::numeric)');
    expect(measure.values).toEqual([10]);
  });

  it('passes a regex pattern as a parameter, so quotes in it cannot end a literal', () => {
    const pattern = "^a'; drop table x; --$";
    const { measure } = compileCheck(check({ type: 'regex', column: 'code', pattern }), input);
    expect(measure.text).toContain('"code"::text !~ $1::text');
    expect(measure.text).not.toContain('drop table');
    expect(measure.values).toEqual([pattern]);
  });

  it('compares accepted numbers as numbers, booleans as booleans and anything else as text, as one array parameter', () => {
    expect(compileCheck(check({ type: 'accepted_values', column: 'n', values: [1, 2.5] }), input).measure).toMatchObject({
      text: expect.stringContaining('"n"::numeric <> ALL ($1::numeric[])'),
      values: [[1, 2.5]],
    });
    expect(compileCheck(check({ type: 'accepted_values', column: 'b', values: [true] }), input).measure).toMatchObject({
      text: expect.stringContaining('"b"::boolean <> ALL ($1::boolean[])'),
      values: [[true]],
    });
    expect(compileCheck(check({ type: 'accepted_values', column: 'genre', values: ["O'Brien", 3, false] }), input).measure).toMatchObject({
      text: expect.stringContaining('"genre"::text <> ALL ($1::text[])'),
      values: [["O'Brien", '3', 'false']],
    });
  });

  it('counts every row of a duplicated value as failing, ignoring nulls', () => {
    const { measure, examples } = compileCheck(check({ type: 'unique', column: 'title' }), input);
    expect(measure.text).toContain('sum(n) FILTER (WHERE v IS NOT NULL AND n > 1)');
    expect(measure.text).toContain(`FROM (SELECT "title" AS v, count(*) AS n FROM ${TABLE} GROUP BY "title") AS groups`);
    expect(examples?.text).toContain('HAVING count(*) > 1');
    expect(examples?.text).toMatch(/LIMIT 5$/);
  });

  it('samples row-level checks with TABLESAMPLE, the percent and seed as parameters, in measure and examples alike', () => {
    const { measure, examples } = compileCheck(check({ type: 'not_null', column: 'title' }), sampled);
    expect(measure.text).toContain(`FROM ${TABLE} TABLESAMPLE BERNOULLI ($1::float4) REPEATABLE ($2::float8)`);
    expect(measure.values).toEqual([12.5, 42]);
    expect(examples).toEqual({ text: `SELECT * FROM ${TABLE} TABLESAMPLE BERNOULLI ($1::float4) REPEATABLE ($2::float8) WHERE "title" IS NULL LIMIT 5`, values: [12.5, 42] });
    const range = compileCheck(check({ type: 'range', column: 'rating', min: 0 }), sampled).measure;
    expect(range.values).toEqual([12.5, 42, 0]);
    expect(range.text).toContain('"rating"::numeric < $3::numeric');
    const unique = compileCheck(check({ type: 'unique', column: 'title' }), sampled).examples;
    expect(unique?.values).toEqual([12.5, 42, 12.5, 42]);
  });

  it('never samples row_count and freshness, which need the whole table', () => {
    expect(compileCheck(check({ type: 'row_count', min: 1 }), sampled)).toEqual({
      measure: { text: `SELECT NULL::bigint AS failing, count(*)::bigint AS checked, count(*)::float8 AS observed FROM ${TABLE}`, values: [] },
    });
    const { measure } = compileCheck(check({ type: 'freshness', column: 'updated_at', maxAge: '1d' }), sampled);
    expect(measure.text).toContain('extract(epoch FROM (now() - max("updated_at")::timestamptz))::float8 AS observed');
    expect(measure.text).not.toContain('TABLESAMPLE');
  });

  it('quotes the warehouse names, so a quote in a name cannot break out', () => {
    const { measure } = compileCheck(check({ type: 'row_count', min: 1 }), { table: { schema: 't_00', table: 'a"b' } });
    expect(measure.text).toContain('FROM "t_00"."a""b"');
  });

  it('measures several predicate checks in one scan, each predicate as its own statement has it, the parameters numbered in turn', () => {
    const checks = [
      check({ type: 'not_null', column: 'genre' }),
      check({ type: 'range', column: 'rating', min: 1, max: 9 }),
      check({ type: 'regex', column: 'title', pattern: '^[A-Z]' }),
    ] as PredicateCheck[];
    const shared = compileSharedScan(checks, sampled);
    expect(shared.text).toBe(
      'SELECT count(*)::bigint AS checked, ' +
        'count(*) FILTER (WHERE "genre" IS NULL)::bigint AS failing_0, ' +
        'count(*) FILTER (WHERE "rating" IS NOT NULL AND ("rating"::numeric < $3::numeric OR "rating"::numeric > $4::numeric))::bigint AS failing_1, ' +
        'count(*) FILTER (WHERE "title" IS NOT NULL AND "title"::text !~ $5::text)::bigint AS failing_2 ' +
        `FROM ${TABLE} TABLESAMPLE BERNOULLI ($1::float4) REPEATABLE ($2::float8)`,
    );
    expect(shared.values).toEqual([12.5, 42, 1, 9, '^[A-Z]']);
    // the same conditions as each check's own statement
    expect(compileCheck(checks[1], input).measure.text).toContain('"rating" IS NOT NULL AND ("rating"::numeric < $1::numeric OR "rating"::numeric > $2::numeric)');
  });
});
