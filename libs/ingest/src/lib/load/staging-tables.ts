import type { WarehouseTable } from '@sluice/contracts';
import { quoteIdentifier, type ColumnType, type IngestColumn } from '@sluice/pipeline-spec';
import { loadingTable, qualifiedName, rejectTable, stagingTable, tenantSchema } from '@sluice/warehouse';

const SQL_TYPES: Readonly<Record<ColumnType, string>> = {
  text: 'text',
  integer: 'integer',
  bigint: 'bigint',
  numeric: 'numeric',
  boolean: 'boolean',
  date: 'date',
  timestamptz: 'timestamptz',
  jsonb: 'jsonb',
};

/** The columns of every reject table, in COPY order. */
export const REJECT_COLUMNS = ['run_id', 'row_number', 'raw', 'reason'] as const;

/** The four tables one ingest step touches: staging and reject tables, and the loading copy of each. */
export interface StagingTables {
  readonly staging: WarehouseTable;
  readonly stagingLoad: WarehouseTable;
  readonly rejects: WarehouseTable;
  readonly rejectsLoad: WarehouseTable;
}

export function stagingTables(tenantId: string, pipeline: string, stepId: string): StagingTables {
  const schema = tenantSchema(tenantId);
  const staging = stagingTable(pipeline, stepId);
  const rejects = rejectTable(pipeline, stepId);
  return {
    staging: { schema, table: staging },
    stagingLoad: { schema, table: loadingTable(staging) },
    rejects: { schema, table: rejects },
    rejectsLoad: { schema, table: loadingTable(rejects) },
  };
}

/** The staging table's shape: the declared columns, NOT NULL unless nullable (coercion guarantees it). */
export function createStagingSql(table: WarehouseTable, columns: readonly IngestColumn[]): string {
  const definitions = columns.map((column) => `${quoteIdentifier(column.name)} ${SQL_TYPES[column.type]}${column.nullable ? '' : ' NOT NULL'}`);
  return `CREATE TABLE ${qualifiedName(table)} (${definitions.join(', ')})`;
}

export function createRejectsSql(table: WarehouseTable): string {
  return `CREATE TABLE ${qualifiedName(table)} (run_id uuid NOT NULL, row_number bigint NOT NULL, raw jsonb, reason text NOT NULL)`;
}

/** COPY into a table created in the same transaction, its rows written frozen (see loadIntoStaging). */
export function copyIntoSql(table: WarehouseTable, columns: readonly string[]): string {
  return `COPY ${qualifiedName(table)} (${columns.map(quoteIdentifier).join(', ')}) FROM STDIN (FORMAT text, FREEZE true)`;
}
