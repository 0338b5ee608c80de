import { postgresCheck, type DependencyCheck } from '@sluice/health';
import { Pool } from 'pg';

const TIMEOUT_MS = 5_000;

export interface PlainPostgresCheck extends DependencyCheck {
  close(): Promise<void>;
}

/**
 * The `postgres` readiness check of a service without Prisma: `SELECT 1` over one connection of
 * its own, kept between checks so a probe costs one round trip; connecting and the query are
 * each bounded, so probes cannot pile up behind a server that stopped answering.
 */
export function plainPostgresCheck(url: string, service: string): PlainPostgresCheck {
  const pool = new Pool({
    connectionString: url,
    max: 1,
    connectionTimeoutMillis: TIMEOUT_MS,
    query_timeout: TIMEOUT_MS,
    application_name: `sluice-${service}-readiness`,
  });
  pool.on('error', () => undefined); // the idle connection dropped; the next check opens another
  return { ...postgresCheck(() => pool.query('SELECT 1')), close: () => pool.end() };
}
