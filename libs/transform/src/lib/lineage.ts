import type { PoolClient } from 'pg';

/** One row of `warehouse.table_versions`: which run and step made which version of a table. */
export interface TableVersion {
  readonly tableName: string;
  readonly version: number;
  /** rows in the table once this version was written */
  readonly rows: number;
  readonly runId: string;
  readonly stepId: string;
  readonly pipeline: string;
  readonly mode: string;
  readonly createdAt: Date;
}

interface TableVersionRow {
  table_name: string;
  version: number;
  rows: string;
  run_id: string;
  step_id: string;
  pipeline: string;
  mode: string;
  created_at: Date;
}

export const toTableVersion = (row: TableVersionRow): TableVersion => ({
  tableName: row.table_name,
  version: row.version,
  rows: Number(row.rows),
  runId: row.run_id,
  stepId: row.step_id,
  pipeline: row.pipeline,
  mode: row.mode,
  createdAt: row.created_at,
});

export const TABLE_VERSION_COLUMNS = 'table_name, version, rows, run_id, step_id, pipeline, mode, created_at';

/** The version a run's step already wrote, if it did (a redelivered job then writes nothing). */
export async function versionWrittenBy(client: PoolClient, tenantId: string, runId: string, stepId: string): Promise<TableVersion | undefined> {
  const { rows } = await client.query<TableVersionRow>(
    `SELECT ${TABLE_VERSION_COLUMNS} FROM warehouse.table_versions WHERE tenant_id = $1 AND run_id = $2 AND step_id = $3`,
    [tenantId, runId, stepId],
  );
  return rows[0] ? toTableVersion(rows[0]) : undefined;
}

export interface NewTableVersion {
  readonly tenantId: string;
  readonly tableName: string;
  readonly runId: string;
  readonly stepId: string;
  readonly pipeline: string;
  readonly pipelineVersion: number;
  readonly mode: string;
  readonly rows: number;
}

/** Records the next version of a table (previous highest + 1); call it in the transaction that wrote the table. */
export async function recordTableVersion(client: PoolClient, entry: NewTableVersion): Promise<TableVersion> {
  const { rows } = await client.query<TableVersionRow>(
    `INSERT INTO warehouse.table_versions (tenant_id, table_name, version, run_id, step_id, pipeline, pipeline_version, mode, rows)
     SELECT $1, $2, coalesce(max(version), 0) + 1, $3, $4, $5, $6, $7, $8 FROM warehouse.table_versions WHERE tenant_id = $1 AND table_name = $2
     RETURNING ${TABLE_VERSION_COLUMNS}`,
    [entry.tenantId, entry.tableName, entry.runId, entry.stepId, entry.pipeline, entry.pipelineVersion, entry.mode, entry.rows],
  );
  return toTableVersion(rows[0]);
}
