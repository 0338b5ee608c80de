import type { WarehouseTable } from '@sluice/contracts';
import { durationToMs, quoteIdentifier, type DqCheck } from '@sluice/pipeline-spec';
import { qualifiedName } from '@sluice/warehouse';
import { SqlParameters, type SqlQuery } from './sql-query';

export const MAX_EXAMPLES = 5;

/** The table a check reads, and the sample of it that row-level checks look at. */
export interface CheckInput {
  readonly table: WarehouseTable;
  /** TABLESAMPLE BERNOULLI percent and REPEATABLE seed: every query of a step sees the same sample. */
  readonly sample?: { readonly percent: number; readonly seed: number };
}

/**
 * What runs in PostgreSQL for one check: `measure` returns one row `{ failing, checked, observed }`
 * (failing: offending rows of a row-level check, else null; checked: rows looked at; observed: the
 * value an aggregate check compares), and `examples` selects up to 5 offending rows.
 */
export interface CheckQueries {
  /** run first, in the same transaction: settings for the measure (e.g. how to group) */
  readonly prepare?: SqlQuery;
  readonly measure: SqlQuery;
  readonly examples?: SqlQuery;
}

/** Above this many distinct values (PostgreSQL's estimate), grouping by a sort beats a hash table that spills. */
const SORT_GROUPING_ABOVE_DISTINCT = 100_000;

/**
 * For the transaction of a unique check: group by a sort rather than a hash table when the
 * column's type has no collation (numbers, dates, uuids...) and its values are many (or not yet
 * counted by ANALYZE). A hash table of a million groups spills to disk and took twice as long as
 * the sort; text keeps the hash table, since sorting under a collation is the slower of the two.
 * Answers the setting chosen; no row (nothing set) for a column that does not exist.
 */
export function uniqueGroupingSetting(table: CheckInput['table'], column: string): SqlQuery {
  const params = new SqlParameters();
  return params.query(
    `SELECT set_config('enable_hashagg', CASE WHEN t.typcollation = 0 AND coalesce(s.n_distinct < 0 OR s.n_distinct > ${SORT_GROUPING_ABOVE_DISTINCT}, true) ` +
      `THEN 'off' ELSE 'on' END, true) AS hashagg ` +
      `FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid ` +
      `LEFT JOIN pg_stats s ON s.schemaname = ${params.add(table.schema)} AND s.tablename = ${params.add(table.table)} AND s.attname = a.attname ` +
      `WHERE a.attrelid = ${params.add(qualifiedName(table))}::regclass AND a.attname = ${params.add(column)} AND NOT a.attisdropped`,
  );
}

export type RowLevelCheck = Extract<DqCheck, { type: 'not_null' | 'unique' | 'range' | 'accepted_values' | 'regex' }>;
type SqlCheck = Extract<DqCheck, { type: 'sql' }>;
type CompilableCheck = Exclude<DqCheck, SqlCheck>;

export const isRowLevelCheck = (check: DqCheck): check is RowLevelCheck =>
  check.type === 'not_null' || check.type === 'unique' || check.type === 'range' || check.type === 'accepted_values' || check.type === 'regex';

/** Row-level checks whose failing rows are those matching a condition: several can share one scan. */
export type PredicateCheck = Exclude<RowLevelCheck, { type: 'unique' }>;

export const isPredicateCheck = (check: DqCheck): check is PredicateCheck => isRowLevelCheck(check) && check.type !== 'unique';

/** `"schema"."table"`, with the sample clause when sampling; its parameters go into `params`. */
function source(input: CheckInput, params: SqlParameters, sampled: boolean): string {
  const table = qualifiedName(input.table);
  if (!sampled || !input.sample) return table;
  return `${table} TABLESAMPLE BERNOULLI (${params.add(input.sample.percent)}::float4) REPEATABLE (${params.add(input.sample.seed)}::float8)`;
}

/** The condition a row breaks, for the checks whose failures are rows (nulls are only not_null's business). */
function failurePredicate(check: PredicateCheck, params: SqlParameters): string {
  const column = quoteIdentifier(check.column);
  switch (check.type) {
    case 'not_null':
      return `${column} IS NULL`;
    case 'range': {
      const bounds: string[] = [];
      if (check.min !== undefined) bounds.push(`${column}::numeric < ${params.add(check.min)}::numeric`);
      if (check.max !== undefined) bounds.push(`${column}::numeric > ${params.add(check.max)}::numeric`);
      return `${column} IS NOT NULL AND (${bounds.join(' OR ')})`;
    }
    case 'regex':
      return `${column} IS NOT NULL AND ${column}::text !~ ${params.add(check.pattern)}::text`;
    case 'accepted_values':
      return `${column} IS NOT NULL AND ${acceptedValuesMismatch(column, check.values, params)}`;
  }
}

/** Numbers compare as numbers (10 = 10.0), booleans as booleans, anything else (or a mix) as text. */
function acceptedValuesMismatch(column: string, values: readonly (string | number | boolean)[], params: SqlParameters): string {
  if (values.every((value) => typeof value === 'number')) return `${column}::numeric <> ALL (${params.add(values)}::numeric[])`;
  if (values.every((value) => typeof value === 'boolean')) return `${column}::boolean <> ALL (${params.add(values)}::boolean[])`;
  return `${column}::text <> ALL (${params.add(values.map(String))}::text[])`;
}

function rowLevelQueries(check: RowLevelCheck, input: CheckInput): CheckQueries {
  if (check.type === 'unique') return uniqueQueries(check.column, input);
  const measureParams = new SqlParameters();
  const from = source(input, measureParams, true);
  const predicate = failurePredicate(check, measureParams);
  const measure = measureParams.query(
    `SELECT count(*) FILTER (WHERE ${predicate})::bigint AS failing, count(*)::bigint AS checked, NULL::float8 AS observed FROM ${from}`,
  );
  const exampleParams = new SqlParameters();
  const exampleFrom = source(input, exampleParams, true);
  const examples = exampleParams.query(`SELECT * FROM ${exampleFrom} WHERE ${failurePredicate(check, exampleParams)} LIMIT ${MAX_EXAMPLES}`);
  return { measure, examples };
}

/** Failing rows: every row whose (non-null) value occurs more than once. */
function uniqueQueries(columnName: string, input: CheckInput): CheckQueries {
  const column = quoteIdentifier(columnName);
  const measureParams = new SqlParameters();
  const measure = measureParams.query(
    `SELECT coalesce(sum(n) FILTER (WHERE v IS NOT NULL AND n > 1), 0)::bigint AS failing, coalesce(sum(n), 0)::bigint AS checked, NULL::float8 AS observed ` +
      `FROM (SELECT ${column} AS v, count(*) AS n FROM ${source(input, measureParams, true)} GROUP BY ${column}) AS groups`,
  );
  const exampleParams = new SqlParameters();
  const outer = source(input, exampleParams, true);
  const inner = source(input, exampleParams, true);
  const examples = exampleParams.query(
    `SELECT * FROM ${outer} WHERE ${column} IN (SELECT ${column} FROM ${inner} WHERE ${column} IS NOT NULL GROUP BY ${column} HAVING count(*) > 1) ` +
      `ORDER BY ${column} LIMIT ${MAX_EXAMPLES}`,
  );
  return { prepare: uniqueGroupingSetting(input.table, columnName), measure, examples };
}

/**
 * One statement that measures several predicate checks in a single scan of their (sampled) input:
 * one row `{ checked, failing_0, failing_1, ... }`, `failing_<i>` counting the rows that break
 * `checks[i]`, exactly as that check's own measure statement would.
 */
export function compileSharedScan(checks: readonly PredicateCheck[], input: CheckInput): SqlQuery {
  const params = new SqlParameters();
  const from = source(input, params, true);
  const failing = checks.map((check, i) => `count(*) FILTER (WHERE ${failurePredicate(check, params)})::bigint AS failing_${i}`);
  return params.query(`SELECT count(*)::bigint AS checked, ${failing.join(', ')} FROM ${from}`);
}

/**
 * The statements of a built-in check. Identifiers come only from the validated definition and the
 * warehouse names, always quoted; every value (bounds, patterns, accepted values, sample) is a
 * parameter. Aggregate checks (row_count, freshness) always read the whole table.
 */
export function compileCheck(check: CompilableCheck, input: CheckInput): CheckQueries {
  if (isRowLevelCheck(check)) return rowLevelQueries(check, input);
  const table = qualifiedName(input.table);
  switch (check.type) {
    case 'row_count':
      return { measure: { text: `SELECT NULL::bigint AS failing, count(*)::bigint AS checked, count(*)::float8 AS observed FROM ${table}`, values: [] } };
    case 'freshness': {
      const column = quoteIdentifier(check.column);
      return {
        measure: {
          text: `SELECT NULL::bigint AS failing, count(*)::bigint AS checked, extract(epoch FROM (now() - max(${column})::timestamptz))::float8 AS observed FROM ${table}`,
          values: [],
        },
      };
    }
  }
}

/** freshness: the oldest acceptable age of the newest row, in seconds. */
export const maxAgeSeconds = (maxAge: string): number => durationToMs(maxAge) / 1000;
