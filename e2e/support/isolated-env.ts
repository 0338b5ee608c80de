import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { createMigratedTestDatabase } from '@sluice/database/testing';
import { closeNats, connectNats, productionTopology } from '@sluice/messaging';
import { removeTopology } from '@sluice/messaging/testing';
import { deleteKeysWithPrefix } from '@sluice/testing';
import { Redis } from 'ioredis';

export const ROOT = resolve(__dirname, '../..');

export interface IsolatedEnv {
  readonly id: string;
  /** Environment for the services under test: own database, NATS namespace and Redis prefix. */
  readonly env: Record<string, string>;
  readonly databaseUrl: string;
  dispose(): Promise<void>;
}

/** A fresh, migrated database and unique NATS/Redis namespaces for one e2e suite; `dispose()` removes all three. */
export async function createIsolatedEnv(): Promise<IsolatedEnv> {
  const id = `e${randomBytes(5).toString('hex')}`;
  const database = await createMigratedTestDatabase();
  const redisPrefix = `sluice-${id}`;
  return {
    id,
    databaseUrl: database.url,
    env: {
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      DATABASE_URL: database.url,
      SLUICE_NATS_NAMESPACE: id,
      SLUICE_REDIS_PREFIX: redisPrefix,
      SHUTDOWN_GRACE_MS: '5000',
    },
    dispose: async () => {
      const redis = new Redis(process.env.REDIS_URL!, { lazyConnect: true, maxRetriesPerRequest: 1 });
      try {
        await redis.connect();
        await deleteKeysWithPrefix(redis, redisPrefix);
      } finally {
        redis.disconnect();
      }
      const nc = await connectNats({ url: process.env.NATS_URL!, name: 'sluice-e2e-cleanup' });
      try {
        await removeTopology(nc, productionTopology(id));
      } finally {
        await closeNats(nc);
      }
      await database.dispose();
    },
  };
}
