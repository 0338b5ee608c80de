import { deleteKeysWithPrefix } from '@sluice/testing';
// Test fixture: the cache service started in this process (no signal handlers, no process.exit),
// on a free loopback port, with its own Redis prefix and NATS namespace.
import { Module, type INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { loadServiceConfig, type Env, type ServiceConfig } from '@sluice/config';
import { GRPC_SERVICES } from '@sluice/contracts';
import { grpcServerOptions, InternalAuthGuard, RpcExceptionFilter } from '@sluice/grpc';
import { Readiness } from '@sluice/health';
import { InfraModule } from '@sluice/runtime';
import { createLogger, createMetricsRegistry, MetricsModule } from '@sluice/telemetry';
import { freePort, uniquePrefix } from '@sluice/testing';
import { isolatedTopology, removeTopology } from '@sluice/messaging/testing';
import { closeNats, connectNats, type Topology } from '@sluice/messaging';
import { Redis } from 'ioredis';
import type { Registry } from 'prom-client';
import { CacheModule } from './cache/cache.module';

export interface CacheServiceUnderTest {
  readonly address: string;
  readonly config: ServiceConfig;
  readonly topology: Topology;
  /** The registry of the running service's metrics (a new one at each start). */
  readonly registry: Registry;
  /** Starts the service (again, on the same port). */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Stops the service, deletes its Redis keys and its NATS streams. */
  dispose(): Promise<void>;
}

export async function deleteRedisKeys(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl);
  try {
    await deleteKeysWithPrefix(redis, prefix);
  } finally {
    await redis.quit();
  }
}

/** `env` supplies REDIS_URL, NATS_URL and SLUICE_INTERNAL_TOKEN (a test passes process.env). */
export async function cacheServiceUnderTest(env: Env): Promise<CacheServiceUnderTest> {
  const topology = isolatedTopology();
  const port = await freePort();
  const config = loadServiceConfig('cache', {
    ...env,
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    GRPC_HOST: '127.0.0.1',
    GRPC_PORT: String(port),
    HTTP_PORT: String(await freePort()),
    SLUICE_NATS_NAMESPACE: topology.namespace,
    SLUICE_REDIS_PREFIX: uniquePrefix('cache'),
  });
  let app: INestMicroservice | undefined;
  let registry = createMetricsRegistry('cache');
  const stop = async () => {
    await app?.close();
    app = undefined;
  };

  return {
    address: `127.0.0.1:${port}`,
    config,
    topology,
    get registry() {
      return registry;
    },
    async start() {
      registry = createMetricsRegistry('cache');
      @Module({
        imports: [
          MetricsModule.forRoot(registry),
          InfraModule.forRoot(config, new Readiness(1000), createLogger('cache', 'silent')),
          CacheModule,
        ],
      })
      class CacheTestRoot {}
      app = await NestFactory.createMicroservice(CacheTestRoot, {
        ...grpcServerOptions({ contract: GRPC_SERVICES.cache, host: '127.0.0.1', port }),
        logger: false,
      });
      app.useGlobalGuards(new InternalAuthGuard(config.internalToken));
      app.useGlobalFilters(new RpcExceptionFilter());
      await app.listen();
    },
    stop,
    async dispose() {
      await stop();
      await deleteRedisKeys(config.redisUrl!, config.redisPrefix);
      const nc = await connectNats({ url: config.natsUrl!, name: 'sluice-cache-test-cleanup' });
      try {
        await removeTopology(nc, topology);
      } finally {
        await closeNats(nc);
      }
    },
  };
}
