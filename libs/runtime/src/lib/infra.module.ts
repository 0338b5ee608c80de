import { Inject, Injectable, Module, type DynamicModule, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import type { ServiceConfig } from '@sluice/config';
import { createPrismaClient, type PrismaClient } from '@sluice/database';
import { natsCheck, postgresCheck, redisCheck, type Readiness } from '@sluice/health';
import { closeNats, connectNats, ensureStreams, JetStreamPublisher, productionTopology, type NatsConnection } from '@sluice/messaging';
import type { Registry } from 'prom-client';
import { METRICS_REGISTRY, type Logger } from '@sluice/telemetry';
import { EventPublisher } from './event-publisher';
import type { Redis } from 'ioredis';
import { createRedisClient } from './redis-connection';
import { BREAKERS, LOGGER, NATS, PRISMA, PUBLISHER, REDIS, SERVICE_CONFIG, TOPOLOGY } from './tokens';
import { BreakerRegistry } from '@sluice/resilience';
import { isQueryLevelError, withCircuitBreaker } from './resilient-prisma';

/** Closes every connection the infra module opened, after servers stopped taking requests. */
@Injectable()
class InfraCloser implements OnApplicationShutdown {
  constructor(@Inject('SLUICE_INFRA_CLOSERS') private readonly closers: (() => Promise<unknown>)[]) {}

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled(this.closers.map((close) => close()));
  }
}

/**
 * The service's configuration and logger (SERVICE_CONFIG, LOGGER), and the connections it asks for (PostgreSQL, Redis, NATS), each with a
 * readiness check, injectable as PRISMA, REDIS, NATS (and the JetStream TOPOLOGY), closed on shutdown.
 */
@Module({})
export class InfraModule {
  static forRoot(config: ServiceConfig, readiness: Readiness, logger: Logger): DynamicModule {
    const closers: (() => Promise<unknown>)[] = [];
    const providers: Provider[] = [
      { provide: 'SLUICE_INFRA_CLOSERS', useValue: closers },
      InfraCloser,
      { provide: SERVICE_CONFIG, useValue: config },
      { provide: LOGGER, useValue: logger },
    ];
    const exported: symbol[] = [SERVICE_CONFIG, LOGGER, BREAKERS];
    providers.push({
      provide: BREAKERS,
      inject: [METRICS_REGISTRY],
      useFactory: (metricsRegistry: Registry) => {
        const breakers = new BreakerRegistry({ metricsRegistry, logger });
        closers.push(async () => breakers.shutdown());
        return breakers;
      },
    });

    if (config.redisUrl) {
      const url = config.redisUrl;
      providers.push({
        provide: REDIS,
        useFactory: (): Redis => {
          const redis = createRedisClient(url, `sluice-${config.service}`);
          readiness.add(redisCheck(redis));
          closers.push(() => redis.quit().catch(() => redis.disconnect()));
          return redis;
        },
      });
      exported.push(REDIS);
    }
    if (config.databaseUrl) {
      const url = config.databaseUrl;
      providers.push({
        provide: PRISMA,
        inject: [BREAKERS],
        useFactory: (breakers: BreakerRegistry): PrismaClient => {
          const breaker = breakers.create('postgres', { errorFilter: isQueryLevelError });
          const prisma = withCircuitBreaker(createPrismaClient(url, { connectionTimeoutMs: 5_000 }), breaker);
          readiness.add(postgresCheck(() => prisma.$queryRaw`SELECT 1`));
          closers.push(() => prisma.$disconnect());
          return prisma;
        },
      });
      exported.push(PRISMA);
    }
    if (config.natsUrl) {
      const url = config.natsUrl;
      const topology = productionTopology(config.natsNamespace);
      providers.push(
        { provide: TOPOLOGY, useValue: topology },
        {
          provide: NATS,
          useFactory: async (): Promise<NatsConnection> => {
            const nc = await connectNats({ url, name: `sluice-${config.service}` });
            await ensureStreams(nc, topology);
            readiness.add(natsCheck(nc));
            closers.push(() => closeNats(nc));
            return nc;
          },
        },
      );
      providers.push({
        provide: PUBLISHER,
        inject: [NATS, METRICS_REGISTRY],
        useFactory: (nc: NatsConnection, registry: Registry) => new EventPublisher(new JetStreamPublisher(nc, { registry }), topology),
      });
      exported.push(NATS, TOPOLOGY, PUBLISHER);
    }
    return { module: InfraModule, global: true, providers, exports: exported };
  }
}
