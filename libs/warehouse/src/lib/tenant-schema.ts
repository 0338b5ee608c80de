import { quoteIdentifier } from '@sluice/pipeline-spec';
import { tenantSchema } from './names';

/** Anything that runs one SQL statement: a `pg` client or pool, or a wrapper around Prisma. */
export type RunSql = (sql: string) => Promise<unknown>;

const RACE_CODES = new Set(['23505', '42P06']);

/**
 * Creates the tenant's warehouse schema if it is missing. Two workers creating it at the same time
 * is normal (a pipeline's first run); the loser's "already exists" error is not an error.
 */
export async function ensureTenantSchema(run: RunSql, tenantId: string): Promise<string> {
  const schema = tenantSchema(tenantId);
  try {
    await run(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(schema)}`);
  } catch (error) {
    if (!RACE_CODES.has((error as { code?: string }).code ?? '')) throw error;
  }
  return schema;
}
