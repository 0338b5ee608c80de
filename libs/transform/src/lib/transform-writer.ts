import type { WarehouseTable } from '@sluice/contracts';
import { ensureTenantSchema, isPermanentSqlError, qualifiedName } from '@sluice/warehouse';
import type { Pool, PoolClient, QueryConfig, QueryResult } from 'pg';
import { recordTableVersion, versionWrittenBy, type TableVersion } from './lineage';
import type { TransformPlan } from './transform-job';
import {
  appendStatement,
  collectRowsStatement,
  createTargetStatement,
  keyIndexStatement,
  replaceStatements,
  ROWS_TABLE,
  upsertStatement,
} from './write-statements';

export interface TransformResult {
  /** rows the query produced */
  readonly rowsIn: number;
  /** rows written (inserted, or inserted and updated by an upsert) */
  readonly rowsOut: number;
  readonly output: WarehouseTable & { readonly version: number };
  /** rows in the table at this version */
  readonly tableRows: number;
  /** the step had already written this version (a redelivered job): nothing was written now */
  readonly alreadyDone: boolean;
}

/** The write cannot succeed as defined (a bad column, duplicate upsert keys, a timeout...). */
export class TransformWriteError extends Error {}

/** Sent over the extended protocol, which refuses more than one statement in the text. */
const extended = (text: string, values: unknown[] = []): QueryConfig => ({ text, values, queryMode: 'extended' }) as QueryConfig;

interface Written {
  readonly rowsIn: number;
  readonly rowsOut: number;
  /** rows in the table afterwards, when the write knows it without counting */
  readonly tableRows?: number;
}

/**
 * Runs transform steps: the SELECT inside PostgreSQL, written into the tenant's target table in
 * one transaction together with its lineage row, so a step's write happens exactly once whatever
 * the redeliveries. Writers of one table queue behind a transaction-level advisory lock, which also
 * makes "previous version + 1" safe.
 */
export class TransformWriter {
  constructor(
    private readonly pool: Pool,
    private readonly statementTimeoutMs: number,
  ) {}

  async run(plan: TransformPlan): Promise<TransformResult> {
    await ensureTenantSchema((sql) => this.pool.query(sql), plan.tenantId);
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      return await this.inTransaction(client, plan);
    } catch (error) {
      if (isPermanentSqlError(error)) throw new TransformWriteError(error.message);
      broken = error as Error;
      throw error;
    } finally {
      client.release(broken instanceof TransformWriteError ? undefined : broken);
    }
  }

  private async inTransaction(client: PoolClient, plan: TransformPlan): Promise<TransformResult> {
    await client.query('BEGIN');
    try {
      await client.query(`SELECT set_config('statement_timeout', $1, true)`, [`${this.statementTimeoutMs}ms`]);
      await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`sluice:table:${plan.tenantId}:${plan.target.table}`]);
      const done = await versionWrittenBy(client, plan.tenantId, plan.runId, plan.stepId);
      if (done) {
        await client.query('COMMIT');
        return toResult(plan, done, { rowsIn: done.rows, rowsOut: done.rows }, true);
      }
      const written = await this.write(client, plan);
      const tableRows = written.tableRows ?? (await countRows(client, plan.target));
      const version = await recordTableVersion(client, {
        tenantId: plan.tenantId,
        tableName: plan.target.table,
        runId: plan.runId,
        stepId: plan.stepId,
        pipeline: plan.pipeline,
        pipelineVersion: plan.pipelineVersion,
        mode: plan.step.output.mode,
        rows: tableRows,
      });
      await client.query('COMMIT');
      return toResult(plan, version, written, false);
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }

  private async write(client: PoolClient, plan: TransformPlan): Promise<Written> {
    const { output } = plan.step;
    if (output.mode === 'replace') {
      const statements = replaceStatements(plan.target, plan.query);
      await client.query(statements.dropBuild);
      const created = await client.query(extended(statements.create));
      await client.query(statements.dropTarget);
      await client.query(statements.rename);
      const rows = rowCount(created);
      return { rowsIn: rows, rowsOut: rows, tableRows: rows };
    }
    const key = output.mode === 'upsert' ? (output.key ?? []) : [];
    if (!(await tableExists(client, plan.target))) {
      const created = await client.query(extended(createTargetStatement(plan.target, plan.query)));
      if (key.length > 0) await client.query(keyIndexStatement(plan.target, key));
      const rows = rowCount(created);
      return { rowsIn: rows, rowsOut: rows, tableRows: rows };
    }
    const collected = await client.query(extended(collectRowsStatement(plan.query)));
    const columns = await collectedColumns(client);
    const missing = key.filter((column) => !columns.includes(column));
    if (missing.length > 0) throw new TransformWriteError(`key column ${missing.join(', ')} is not in the query's result`);
    if (key.length > 0) await client.query(keyIndexStatement(plan.target, key));
    const inserted = await client.query(key.length > 0 ? upsertStatement(plan.target, columns, key) : appendStatement(plan.target, columns));
    return { rowsIn: rowCount(collected), rowsOut: rowCount(inserted) };
  }
}

function toResult(plan: TransformPlan, version: TableVersion, written: Written, alreadyDone: boolean): TransformResult {
  return {
    rowsIn: written.rowsIn,
    rowsOut: written.rowsOut,
    output: { ...plan.target, version: version.version },
    tableRows: version.rows,
    alreadyDone,
  };
}

const rowCount = (result: QueryResult): number => result.rowCount ?? 0;

async function tableExists(client: PoolClient, table: WarehouseTable): Promise<boolean> {
  const { rows } = await client.query<{ found: string | null }>('SELECT to_regclass($1)::text AS found', [qualifiedName(table)]);
  return rows[0].found !== null;
}

async function countRows(client: PoolClient, table: WarehouseTable): Promise<number> {
  const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${qualifiedName(table)}`);
  return Number(rows[0].n);
}

/** The collected rows' column names, in the query's order. */
async function collectedColumns(client: PoolClient): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(
    `SELECT attname AS name FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum`,
    [ROWS_TABLE],
  );
  return rows.map((row) => row.name);
}
