import type { PoolClient } from 'pg';

export interface TransactionLimits {
  /** the tenant's schema: the only unqualified names a query could mean */
  readonly searchPath: string;
  readonly statementTimeoutMs: number;
}

/**
 * Runs `work` in a READ ONLY transaction with a statement timeout and the tenant's search_path,
 * always ended (committed, or rolled back when `work` throws) before it returns.
 */
export async function inReadOnlyTransaction<T>(client: PoolClient, limits: TransactionLimits, work: () => Promise<T>): Promise<T> {
  await client.query('BEGIN TRANSACTION READ ONLY');
  try {
    await client.query(`SELECT set_config('statement_timeout', $1, true), set_config('search_path', $2, true)`, [
      `${limits.statementTimeoutMs}ms`,
      limits.searchPath,
    ]);
    const result = await work();
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
