import type { CheckResult, WarehouseTable } from '@sluice/contracts';
import { analyzeSql, renderSql, type DqCheck, type DqStep } from '@sluice/pipeline-spec';
import { isPermanentSqlError, qualifiedName } from '@sluice/warehouse';
import type { Pool, PoolClient } from 'pg';
import { checkName } from './check-name';
import { compileCheck, compileSharedScan, isPredicateCheck, isRowLevelCheck, type CheckInput, type CheckQueries, type PredicateCheck } from './check-query';
import { judge, type Measurement } from './check-verdict';
import { toExampleRow } from './example-row';
import { inReadOnlyTransaction, type TransactionLimits } from './read-only-transaction';
import { extendedQuery } from './sql-query';
import { runOnTwoConnections, type Lease, type Task } from './two-connections';

/** One dq step to run: its definition, the table of its input and the run (which seeds the sample). */
export interface DqStepInput {
  readonly runId: string;
  readonly step: DqStep;
  readonly table: WarehouseTable;
}

export interface DqStepReport {
  /** rows of the input table (the whole table, also when sampling) */
  readonly rowsIn: number;
  readonly checks: CheckResult[];
  /** names of the error-severity checks that failed: when any, the step fails */
  readonly failedErrors: string[];
}

/** The input table is missing or unreadable: no check can say anything about it. */
export class DqInputError extends Error {}

const MAX_ERROR_LENGTH = 500;

/** The same sample for every query of a run, and a different one for the next run. */
export const sampleSeed = (runId: string): number => Number.parseInt(runId.replaceAll('-', '').slice(0, 8), 16);

/** A value a sql check returned, as a number; booleans count as 1 and 0. */
function numericResult(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  const number = typeof value === 'number' ? value : typeof value === 'string' || typeof value === 'bigint' ? Number(value) : Number.NaN;
  if (Number.isNaN(number)) throw new CheckQueryError('the query must return a number (or a boolean) in its first column');
  return number;
}

/** A check that could not be evaluated for a reason retrying will not change. */
class CheckQueryError extends Error {}

/**
 * Runs a dq step's checks inside PostgreSQL, each statement in a READ ONLY transaction with a
 * statement timeout. The predicate checks (not_null, range, regex, accepted_values) are measured
 * together in one scan of the table; the other checks (unique, aggregates, sql) run one statement
 * each, alongside it on a second connection when the pool has one free. A failing check's
 * examples are one more statement. Nothing is loaded into memory but counts and at most 5 example rows per check. A
 * check whose SQL cannot succeed (unknown column, bad cast, timeout) is reported failed with its
 * error; a lost connection is thrown so the step is retried.
 */
export class DqCheckRunner {
  constructor(
    private readonly pool: Pool,
    private readonly statementTimeoutMs: number,
  ) {}

  async run(input: DqStepInput): Promise<DqStepReport> {
    const limits: TransactionLimits = { searchPath: input.table.schema, statementTimeoutMs: this.statementTimeoutMs };
    const checkInput: CheckInput = {
      table: input.table,
      ...(input.step.sample ? { sample: { percent: input.step.sample.percent, seed: sampleSeed(input.runId) } } : {}),
    };
    const positions = input.step.checks.map((check, index) => ({ check, index }));
    const predicates = positions.filter((entry): entry is { check: PredicateCheck; index: number } => isPredicateCheck(entry.check));
    const others = positions.filter((entry) => !isPredicateCheck(entry.check));
    const results: CheckResult[] = new Array(positions.length);
    const first = await this.lease();
    let failure: Error | undefined;
    try {
      const rowsIn = await this.countRows(first.client, limits, input.table);
      // The shared scan first, then the other checks; a second connection, if the pool has one, takes them as it can.
      const tasks: Task<PoolClient>[] = [];
      if (predicates.length > 0) {
        tasks.push(async (client) => {
          const measured = await this.runPredicateChecks(client, limits, predicates.map((entry) => entry.check), checkInput, rowsIn);
          measured.forEach((result, i) => (results[predicates[i].index] = result));
        });
      }
      for (const { check, index } of others) {
        tasks.push(async (client) => {
          results[index] = await this.runCheck(client, limits, check, checkInput, rowsIn);
        });
      }
      await runOnTwoConnections(tasks, first.client, () => this.lease());
      const failedErrors = results.filter((result) => !result.passed && result.severity === 'error').map((result) => result.name);
      return { rowsIn, checks: results, failedErrors };
    } catch (error) {
      failure = error as Error;
      throw error;
    } finally {
      first.release(failure);
    }
  }

  /** A pool connection; one that failed mid-statement is not handed back to the pool. */
  private async lease(): Promise<Lease<PoolClient>> {
    const client = await this.pool.connect();
    return {
      client,
      release: (error) => client.release(error && !isPermanentSqlError(error) && !(error instanceof DqInputError) ? error : undefined),
    };
  }

  private async countRows(client: PoolClient, limits: TransactionLimits, table: WarehouseTable): Promise<number> {
    try {
      const { rows } = await inReadOnlyTransaction(client, limits, () => client.query<{ n: string }>(`SELECT count(*) AS n FROM ${qualifiedName(table)}`));
      return Number(rows[0].n);
    } catch (error) {
      if (isPermanentSqlError(error)) throw new DqInputError(`cannot read the input table ${table.table}: ${error.message}`);
      throw error;
    }
  }

  /**
   * The predicate checks, measured in one scan (a lone one by its own statement). When that scan
   * cannot run because one of them cannot (an unknown column, a bad cast or pattern, the
   * timeout), each runs on its own instead, so each reports its own outcome.
   */
  private async runPredicateChecks(client: PoolClient, limits: TransactionLimits, checks: readonly PredicateCheck[], input: CheckInput, rowsIn: number): Promise<CheckResult[]> {
    const oneByOne = async () => {
      const results: CheckResult[] = [];
      for (const check of checks) results.push(await this.runCheck(client, limits, check, input, rowsIn));
      return results;
    };
    if (checks.length < 2) return oneByOne();
    try {
      return await inReadOnlyTransaction(client, limits, async () => {
        const row = (await client.query<Record<string, string>>(extendedQuery(compileSharedScan(checks, input)))).rows[0];
        const results: CheckResult[] = [];
        for (const [i, check] of checks.entries()) {
          const measurement: Measurement = { failing: Number(row[`failing_${i}`]), checked: Number(row.checked), observed: null };
          results.push(checkResult(check, measurement, await this.examples(client, check, compileCheck(check, input), measurement)));
        }
        return results;
      });
    } catch (error) {
      if (!isPermanentSqlError(error)) throw error;
      return oneByOne();
    }
  }

  private async runCheck(client: PoolClient, limits: TransactionLimits, check: DqCheck, input: CheckInput, rowsIn: number): Promise<CheckResult> {
    try {
      const queries = check.type === 'sql' ? await sqlCheckQueries(check.query, input.table) : compileCheck(check, input);
      return await inReadOnlyTransaction(client, limits, async () => {
        if (queries.prepare) await client.query(extendedQuery(queries.prepare));
        const result = await client.query(extendedQuery(queries.measure));
        const measurement = check.type === 'sql' ? sqlMeasurement(result.rows, result.fields[0]?.name, rowsIn) : builtInMeasurement(result.rows[0]);
        return checkResult(check, measurement, await this.examples(client, check, queries, measurement));
      });
    } catch (error) {
      if (!(error instanceof CheckQueryError) && !isPermanentSqlError(error)) throw error;
      return { ...resultBase(check), passed: false, failingCount: 0, checkedCount: 0, examples: [], error: (error as Error).message.slice(0, MAX_ERROR_LENGTH) };
    }
  }

  /** Up to 5 offending rows of a row-level check that found any. */
  private async examples(client: PoolClient, check: DqCheck, queries: CheckQueries, measurement: Measurement): Promise<Record<string, unknown>[]> {
    if (!queries.examples || !isRowLevelCheck(check) || (measurement.failing ?? 0) === 0) return [];
    return (await client.query(extendedQuery(queries.examples))).rows.map(toExampleRow);
  }
}

const resultBase = (check: DqCheck) => ({
  name: checkName(check),
  type: check.type,
  ...('column' in check ? { column: check.column } : {}),
  severity: check.severity,
});

function checkResult(check: DqCheck, measurement: Measurement, examples: Record<string, unknown>[]): CheckResult {
  const verdict = judge(check, measurement);
  return {
    ...resultBase(check),
    passed: verdict.passed,
    failingCount: verdict.failingCount,
    checkedCount: measurement.checked,
    ...(verdict.observed !== undefined ? { observed: verdict.observed } : {}),
    examples,
  };
}

function builtInMeasurement(row: { failing: string | null; checked: string; observed: number | null }): Measurement {
  return { failing: row.failing === null ? null : Number(row.failing), checked: Number(row.checked), observed: row.observed };
}

/** A custom check looks at the whole input: its checked count is the input's rows. */
function sqlMeasurement(rows: Record<string, unknown>[], firstColumn: string | undefined, rowsIn: number): Measurement {
  if (rows.length === 0 || firstColumn === undefined) throw new CheckQueryError('the query returned no row');
  return { failing: null, checked: rowsIn, observed: numericResult(rows[0][firstColumn]) };
}

/**
 * A custom check's query, checked again with the PostgreSQL parser (the definition was validated
 * when stored; this worker does not take that on trust) and rendered against the input table.
 */
async function sqlCheckQueries(query: string, table: WarehouseTable): Promise<CheckQueries> {
  const analysis = await analyzeSql(query, 'dq');
  if (!analysis.ok) throw new CheckQueryError(`query refused: ${analysis.message}`);
  const text = renderSql(query, (target) => {
    if (target.kind !== 'input') throw new CheckQueryError('a dq query reads only {{ input }}');
    return table;
  });
  return { measure: { text, values: [] } };
}
