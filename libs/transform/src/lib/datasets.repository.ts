import { NotFoundError } from '@sluice/contracts';
import { IDENTIFIER_PATTERN } from '@sluice/pipeline-spec';
import { qualifiedName, tenantSchema } from '@sluice/warehouse';
import type { Pool } from 'pg';
import { decodeDatasetsCursor, decodeRowsCursor, encodeDatasetsCursor, encodeRowsCursor } from './dataset-cursor';
import { TABLE_VERSION_COLUMNS, toTableVersion, type TableVersion } from './lineage';

export interface Page<T> {
  readonly items: T[];
  /** '' when this was the last page */
  readonly nextCursor: string;
}

/** The PostgreSQL error for a table that does not exist. */
const UNDEFINED_TABLE = '42P01';

/**
 * A tenant's datasets: the target tables its transforms wrote, known from the lineage in
 * `warehouse.table_versions`, and their rows. A table that is not one of the tenant's datasets is
 * NOT_FOUND, whoever else may have one by that name.
 */
export class DatasetsRepository {
  constructor(
    private readonly pool: Pool,
    private readonly statementTimeoutMs: number,
  ) {}

  /** The latest version of each of the tenant's tables, by table name. */
  async list(tenantId: string, limit: number, cursor: string): Promise<Page<TableVersion>> {
    const after = decodeDatasetsCursor(cursor);
    const { rows } = await this.pool.query(
      `SELECT DISTINCT ON (table_name) ${TABLE_VERSION_COLUMNS} FROM warehouse.table_versions
       WHERE tenant_id = $1 AND ($2::text IS NULL OR table_name > $2)
       ORDER BY table_name, version DESC LIMIT $3`,
      [tenantId, after ?? null, limit],
    );
    const items = rows.map(toTableVersion);
    return { items, nextCursor: items.length === limit ? encodeDatasetsCursor(items[items.length - 1].tableName) : '' };
  }

  /** The latest version of one of the tenant's tables. */
  async get(tenantId: string, table: string): Promise<TableVersion> {
    if (!IDENTIFIER_PATTERN.test(table)) throw new NotFoundError('dataset');
    const { rows } = await this.pool.query(
      `SELECT ${TABLE_VERSION_COLUMNS} FROM warehouse.table_versions WHERE tenant_id = $1 AND table_name = $2 ORDER BY version DESC LIMIT 1`,
      [tenantId, table],
    );
    if (!rows[0]) throw new NotFoundError('dataset');
    return toTableVersion(rows[0]);
  }

  /** A page of a dataset's rows as JSON objects, in physical order, read in one READ ONLY transaction. */
  async rows(tenantId: string, table: string, limit: number, cursor: string): Promise<Page<Record<string, unknown>> & { version: number }> {
    const dataset = await this.get(tenantId, table);
    const after = decodeRowsCursor(cursor, dataset.version);
    const source = qualifiedName({ schema: tenantSchema(tenantId), table: dataset.tableName });
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN TRANSACTION READ ONLY');
      try {
        await client.query(`SELECT set_config('statement_timeout', $1, true)`, [`${this.statementTimeoutMs}ms`]);
        const { rows } = await client.query<{ position: string; row: string }>(
          `SELECT t.ctid::text AS position, row_to_json(t)::text AS row FROM ${source} AS t
           WHERE $1::tid IS NULL OR t.ctid > $1::tid ORDER BY t.ctid LIMIT $2`,
          [after?.ctid ?? null, limit],
        );
        await client.query('COMMIT');
        const last = rows.length === limit ? rows[rows.length - 1] : undefined;
        return {
          version: dataset.version,
          items: rows.map((r) => JSON.parse(r.row) as Record<string, unknown>),
          nextCursor: last ? encodeRowsCursor({ version: dataset.version, ctid: last.position }) : '',
        };
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        // the lineage outlived the table (dropped by hand): there is nothing to show
        if ((error as { code?: string }).code === UNDEFINED_TABLE) throw new NotFoundError('dataset');
        throw error;
      }
    } finally {
      client.release();
    }
  }
}
