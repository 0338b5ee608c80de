import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { setTimeout as delay } from 'node:timers/promises';
import type { Pool, PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { SluiceError, type WarehouseTable } from '@sluice/contracts';
import type { IngestColumn } from '@sluice/pipeline-spec';
import { ensureTenantSchema, qualifiedName } from '@sluice/warehouse';
import { quoteIdentifier } from '@sluice/pipeline-spec';
import { RowCoercer } from '../coercion/row-coercion';
import type { RecordBatches } from '../parsers/source-record';
import { storableText, toStorableJson } from '../safe-json';
import { CopyWriter } from './copy-writer';
import { copyTextLine } from './copy-text';
import { copyIntoSql, createRejectsSql, createStagingSql, REJECT_COLUMNS, stagingTables, type StagingTables } from './staging-tables';

const COPY_ABORT_WAIT_MS = 5_000;

export interface LoadTarget {
  readonly tenantId: string;
  readonly pipeline: string;
  readonly stepId: string;
  readonly runId: string;
  readonly columns: readonly IngestColumn[];
}

export interface LoadResult {
  /** rows read from the source, rejected ones included */
  readonly rowsIn: number;
  /** rows in the staging table */
  readonly rowsOut: number;
  readonly rejected: number;
  readonly staging: WarehouseTable;
  readonly rejects: WarehouseTable;
}

export interface LoadOptions {
  readonly signal?: AbortSignal;
  /** characters per COPY write; default 64 KiB (larger batches hold more rows in memory and keep PostgreSQL waiting longer for each) */
  readonly batchChars?: number;
  /** how long the final swap may wait for readers of the old table; default 30 s */
  readonly swapLockTimeoutMs?: number;
}

/** Another load of the same step holds its tables; the job is retried later. */
export class StagingBusyError extends SluiceError {
  constructor(table: string) {
    super('UNAVAILABLE', `another load of ${table} is running`);
  }
}

/**
 * Loads rows into the step's staging table, those that do not fit into its reject table with the
 * reason, and returns the counts. Both tables are built fresh as loading tables (dropped first,
 * so a redelivered job starts clean), filled by two concurrent COPY streams with backpressure,
 * and swapped in together in one transaction: readers see the old tables or the new ones, never a
 * half-loaded or doubled table. Memory use does not depend on the number of rows.
 */
export async function loadIntoStaging(pool: Pool, target: LoadTarget, records: RecordBatches, options: LoadOptions = {}): Promise<LoadResult> {
  const tables = stagingTables(target.tenantId, target.pipeline, target.stepId);
  const rowsClient = await pool.connect();
  let rejectsClient: PoolClient | undefined;
  let failure: unknown;
  let locked = false;
  try {
    await ensureTenantSchema((sql) => rowsClient.query(sql), target.tenantId);
    await lockStep(rowsClient, tables.staging);
    locked = true;
    await rowsClient.query(`DROP TABLE IF EXISTS ${qualifiedName(tables.stagingLoad)}, ${qualifiedName(tables.rejectsLoad)}`);
    rejectsClient = await pool.connect();
    // Each loading table is created in the transaction that fills it, so COPY can write its rows
    // frozen: readers need not set hint bits on every page, nor vacuum freeze them later.
    const filling = [rowsClient, rejectsClient];
    await Promise.all(filling.map((client) => client.query('BEGIN')));
    await Promise.all([rowsClient.query(createStagingSql(tables.stagingLoad, target.columns)), rejectsClient.query(createRejectsSql(tables.rejectsLoad))]);
    const counts = await copyRecords(rowsClient, rejectsClient, tables, target, records, options);
    await Promise.all(filling.map((client) => client.query('COMMIT')));
    await swapIn(rowsClient, tables, options.swapLockTimeoutMs ?? 30_000);
    await rowsClient.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [qualifiedName(tables.staging)]);
    return { ...counts, staging: tables.staging, rejects: tables.rejects };
  } catch (error) {
    failure = error;
    throw error;
  } finally {
    // A failed client may be mid-COPY or still hold the step's advisory lock: close it, do not reuse it.
    rejectsClient?.release(failure instanceof Error ? failure : undefined);
    rowsClient.release(failure instanceof Error ? failure : undefined);
    if (failure !== undefined && locked) await dropLoadingTables(pool, tables).catch(() => undefined);
  }
}

async function lockStep(client: PoolClient, staging: WarehouseTable): Promise<void> {
  const result = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked', [qualifiedName(staging)]);
  if (!result.rows[0]?.locked) throw new StagingBusyError(qualifiedName(staging));
}

async function copyRecords(
  rowsClient: PoolClient,
  rejectsClient: PoolClient,
  tables: StagingTables,
  target: LoadTarget,
  records: RecordBatches,
  options: LoadOptions,
): Promise<{ rowsIn: number; rowsOut: number; rejected: number }> {
  const batchChars = options.batchChars ?? 64 * 1024;
  const rowsCopy = rowsClient.query(copyFrom(copyIntoSql(tables.stagingLoad, target.columns.map((column) => column.name))));
  const rejectsCopy = rejectsClient.query(copyFrom(copyIntoSql(tables.rejectsLoad, REJECT_COLUMNS)));
  const rows = new CopyWriter(rowsCopy, batchChars);
  const rejects = new CopyWriter(rejectsCopy, batchChars);
  // Only text and jsonb values can hold a tab, newline or backslash; the other types' values are written as coercion made them.
  const plain = target.columns.map((column) => column.type !== 'text' && column.type !== 'jsonb');
  const coercer = new RowCoercer(target.columns);
  let rowsIn = 0;
  let rejected = 0;
  try {
    for await (const batch of records) {
      options.signal?.throwIfAborted();
      for (const record of batch) {
        rowsIn++;
        const reason = record.kind === 'row' ? coercer.coerce(record) : record.reason;
        if (reason === undefined) {
          // write() returns a promise only when a batch went out and the stream must drain first.
          const sent = rows.write(copyTextLine(coercer.values, plain));
          if (sent) await sent;
          continue;
        }
        rejected++;
        const raw = record.kind === 'row' ? record.raw() : record.raw;
        await rejects.write(copyTextLine([target.runId, String(record.rowNumber), raw === undefined ? null : toStorableJson(raw), storableText(reason)]));
      }
    }
    options.signal?.throwIfAborted();
    await Promise.all([rows.end(), rejects.end()]);
  } catch (error) {
    await Promise.all([abortCopy(rowsCopy, error), abortCopy(rejectsCopy, error)]);
    throw error;
  }
  if (rowsCopy.rowCount !== rowsIn - rejected) throw new Error(`COPY stored ${rowsCopy.rowCount} rows, expected ${rowsIn - rejected}`);
  return { rowsIn, rowsOut: rowsCopy.rowCount, rejected };
}

/**
 * Cancels a COPY (the server rolls it back) and waits, boundedly, for the server to confirm, so
 * the connection is not closed under a running command.
 */
async function abortCopy(stream: Writable, error: unknown): Promise<void> {
  const timeout = new AbortController();
  stream.destroy(error instanceof Error ? error : new Error(String(error)));
  await Promise.race([finished(stream).catch(() => undefined), delay(COPY_ABORT_WAIT_MS, undefined, { signal: timeout.signal }).catch(() => undefined)]);
  timeout.abort();
}

async function swapIn(client: PoolClient, tables: StagingTables, lockTimeoutMs: number): Promise<void> {
  await client.query('BEGIN');
  try {
    await client.query(`SET LOCAL lock_timeout = ${Math.max(1, Math.floor(lockTimeoutMs))}`);
    await client.query(`DROP TABLE IF EXISTS ${qualifiedName(tables.staging)}, ${qualifiedName(tables.rejects)}`);
    await client.query(`ALTER TABLE ${qualifiedName(tables.stagingLoad)} RENAME TO ${quoteIdentifier(tables.staging.table)}`);
    await client.query(`ALTER TABLE ${qualifiedName(tables.rejectsLoad)} RENAME TO ${quoteIdentifier(tables.rejects.table)}`);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/** Best effort after a failure; bounded, because the failed session may not have ended on the server yet. */
async function dropLoadingTables(pool: Pool, tables: StagingTables): Promise<void> {
  await pool.query(`BEGIN; SET LOCAL lock_timeout = 5000; DROP TABLE IF EXISTS ${qualifiedName(tables.stagingLoad)}, ${qualifiedName(tables.rejectsLoad)}; COMMIT`);
}
