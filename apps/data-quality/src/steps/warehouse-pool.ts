import { Inject, Injectable, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import type { ServiceConfig } from '@sluice/config';
import { SERVICE_CONFIG } from '@sluice/runtime';
import { Pool } from 'pg';

/** A `pg` pool for the warehouse: checks run as plain SQL in transactions of their own. */
export const WAREHOUSE_POOL = Symbol('WAREHOUSE_POOL');

export const warehousePoolProvider: Provider = {
  provide: WAREHOUSE_POOL,
  inject: [SERVICE_CONFIG],
  useFactory: (config: ServiceConfig) => new Pool({ connectionString: config.databaseUrl, max: 4, application_name: `sluice-${config.service}` }),
};

/** Closes the pool after the worker has stopped taking jobs. */
@Injectable()
export class WarehousePoolCloser implements OnApplicationShutdown {
  constructor(@Inject(WAREHOUSE_POOL) private readonly pool: Pool) {}

  async onApplicationShutdown(): Promise<void> {
    await this.pool.end();
  }
}
