import { createHash } from 'node:crypto';
import type { WarehouseTable } from '@sluice/contracts';
import { quoteIdentifier } from '@sluice/pipeline-spec';
import { loadingTable, qualifiedName } from '@sluice/warehouse';

const MAX_IDENTIFIER = 63;

/** The temporary table a query's rows are collected in before they are appended or merged. */
export const ROWS_TABLE = 'pg_temp.sluice_transform_rows';

/** The unique index behind an upsert's ON CONFLICT: `<table>__key`, hashed when too long. */
export function keyIndexName(table: string): string {
  const name = `${table}__key`;
  if (name.length <= MAX_IDENTIFIER) return name;
  return `${table.slice(0, MAX_IDENTIFIER - 18)}_${createHash('sha256').update(table).digest('hex').slice(0, 12)}__key`;
}

/** The table a replace is built in before it is swapped in. */
export const buildTable = (target: WarehouseTable): WarehouseTable => ({ schema: target.schema, table: loadingTable(target.table) });

const columnList = (columns: readonly string[]) => columns.map(quoteIdentifier).join(', ');

/**
 * replace: build the whole result in a table of its own, then drop the old table and rename the new
 * one, inside the caller's transaction, so readers see the old table or the new one, never half.
 * The query goes last in each statement, so nothing the author wrote after it (a comment, a `;`)
 * can swallow SQL of ours.
 */
export function replaceStatements(target: WarehouseTable, query: string) {
  const build = buildTable(target);
  return {
    dropBuild: `DROP TABLE IF EXISTS ${qualifiedName(build)}`,
    create: `CREATE TABLE ${qualifiedName(build)} AS ${query}`,
    dropTarget: `DROP TABLE IF EXISTS ${qualifiedName(target)}`,
    rename: `ALTER TABLE ${qualifiedName(build)} RENAME TO ${quoteIdentifier(target.table)}`,
  };
}

/** A target that does not exist yet is created from the query as it is. */
export const createTargetStatement = (target: WarehouseTable, query: string) => `CREATE TABLE ${qualifiedName(target)} AS ${query}`;

/** The query's rows in a temporary table, dropped at commit. */
export const collectRowsStatement = (query: string) => `CREATE TEMP TABLE ${ROWS_TABLE.slice('pg_temp.'.length)} ON COMMIT DROP AS ${query}`;

/** append: the collected rows into the target, matched by column name. */
export const appendStatement = (target: WarehouseTable, columns: readonly string[]) =>
  `INSERT INTO ${qualifiedName(target)} (${columnList(columns)}) SELECT ${columnList(columns)} FROM ${ROWS_TABLE}`;

export const keyIndexStatement = (target: WarehouseTable, key: readonly string[]) =>
  `CREATE UNIQUE INDEX IF NOT EXISTS ${quoteIdentifier(keyIndexName(target.table))} ON ${qualifiedName(target)} (${columnList(key)})`;

/** upsert: insert new keys, update the other columns of existing ones (nothing to update: keep them). */
export function upsertStatement(target: WarehouseTable, columns: readonly string[], key: readonly string[]): string {
  const rest = columns.filter((column) => !key.includes(column));
  const onConflict = rest.length === 0 ? 'DO NOTHING' : `DO UPDATE SET ${rest.map((c) => `${quoteIdentifier(c)} = EXCLUDED.${quoteIdentifier(c)}`).join(', ')}`;
  return `${appendStatement(target, columns)} ON CONFLICT (${columnList(key)}) ${onConflict}`;
}
