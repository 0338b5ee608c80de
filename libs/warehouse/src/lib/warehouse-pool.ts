import { Inject, Injectable, type InjectionToken, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import type { ServiceConfig } from '@sluice/config';
import { Pool, type PoolConfig } from 'pg';

/** The Nest token of the service's warehouse pool. */
export const WAREHOUSE_POOL = Symbol('WAREHOUSE_POOL');

/** Pool settings a service may change; the connection is always DATABASE_URL. */
export type WarehousePoolOptions = Omit<PoolConfig, 'connectionString'>;

/**
 * A `pg` pool on the warehouse (COPY and per-statement timeouts need raw connections, not Prisma),
 * named after the service in `pg_stat_activity`; 4 connections unless `options` say otherwise.
 */
export function createWarehousePool(config: Pick<ServiceConfig, 'service' | 'databaseUrl'>, options: WarehousePoolOptions = {}): Pool {
  if (!config.databaseUrl) throw new Error(`the ${config.service} service needs DATABASE_URL for the warehouse`);
  const pool = new Pool({ max: 4, application_name: `sluice-${config.service}`, ...options, connectionString: config.databaseUrl });
  pool.on('error', () => undefined); // an idle client's connection dropped; the pool replaces it
  return pool;
}

/** Closes the pool on shutdown, after the workers have stopped taking jobs. */
@Injectable()
export class WarehousePoolCloser implements OnApplicationShutdown {
  constructor(@Inject(WAREHOUSE_POOL) private readonly pool: Pool) {}

  async onApplicationShutdown(): Promise<void> {
    await this.pool.end();
  }
}

/** `WAREHOUSE_POOL` made from the `ServiceConfig` provided under `configToken`, and its closer. */
export function warehousePoolProviders(configToken: InjectionToken, options?: WarehousePoolOptions): Provider[] {
  return [{ provide: WAREHOUSE_POOL, inject: [configToken], useFactory: (config: ServiceConfig) => createWarehousePool(config, options) }, WarehousePoolCloser];
}
