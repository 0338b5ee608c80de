import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Pool } from 'pg';
import { createWarehousePool, WAREHOUSE_POOL, warehousePoolProviders } from './warehouse-pool';

const databaseUrl = process.env.DATABASE_URL ?? '';

async function applicationName(pool: Pool): Promise<string> {
  const { rows } = await pool.query<{ name: string }>(`SELECT current_setting('application_name') AS name`);
  return rows[0]?.name ?? '';
}

describe('warehouse pool', () => {
  it('connects to DATABASE_URL under the service name', async () => {
    const pool = createWarehousePool({ service: 'transform', databaseUrl });
    try {
      expect(await applicationName(pool)).toBe('sluice-transform');
    } finally {
      await pool.end();
    }
  });

  it('applies the service’s own pool options', async () => {
    const pool = createWarehousePool({ service: 'ingest', databaseUrl }, { max: 1, connectionTimeoutMillis: 300 });
    const held = await pool.connect();
    try {
      await expect(pool.connect()).rejects.toThrow(/timeout/i);
    } finally {
      held.release();
      await pool.end();
    }
  });

  it('refuses to start without DATABASE_URL', () => {
    expect(() => createWarehousePool({ service: 'data-quality', databaseUrl: undefined })).toThrow(/DATABASE_URL/);
  });

  it('is provided from the service config and closed when the application closes', async () => {
    const CONFIG = Symbol('CONFIG');
    @Module({ providers: [{ provide: CONFIG, useValue: { service: 'data-quality', databaseUrl } }, ...warehousePoolProviders(CONFIG)] })
    class TestModule {}
    const app = await NestFactory.createApplicationContext(TestModule, { logger: false });
    const pool = app.get<Pool>(WAREHOUSE_POOL);
    try {
      expect(await applicationName(pool)).toBe('sluice-data-quality');
    } finally {
      await app.close();
    }
    expect(pool.ended).toBe(true);
  });
});
