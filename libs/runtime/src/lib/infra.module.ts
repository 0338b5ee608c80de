import { Inject, Injectable, Module, type DynamicModule, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import type { ServiceConfig } from '@sluice/config';
import type { PrismaClient } from '@sluice/database';
import { natsCheck, postgresCheck, redisCheck, type Readiness } from '@sluice/health';
import { closeNats, connectNats, ensureStreams, JetStreamPublisher, productionTopology, type NatsConnection } from '@sluice/messaging';
import type { Registry } from 'prom-client';
import { METRICS_REGISTRY, type Logger } from '@sluice/telemetry';
import { EventPublisher } from './event-publisher';
import type { Redis } from 'ioredis';
import { createRedisClient } from './redis-connection';
import { BREAKERS, LOGGER, NATS, PRISMA, PUBLISHER, REDIS, SERVICE_CONFIG, TOPOLOGY } from './tokens';
import { BreakerRegistry } from '@sluice/resilience';
import { plainPostgresCheck } from './plain-postgres-check';

/** Closes every connection the infra module opened, after servers stopped taking requests. */
@Injectable()
class InfraCloser implements OnApplicationShutdown {
  constructor(@Inject('SLUICE_INFRA_CLOSERS') private readonly closers: (() => Promise<unknown>)[]) {}

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled(this.closers.map((close) => close()));
  }
}

export interface InfraOptions {
  /**
   * Whether the service reads PostgreSQL through Prisma (PRISMA); default true. A service that
   * reaches it only through a `pg` pool of its own says false: Prisma (its client and query
   * compiler, about 70 MB) is then never loaded, and readiness checks PostgreSQL with a plain query.
   */
  readonly prisma?: boolean;
}

/**
 * The service's configuration and logger (SERVICE_CONFIG, LOGGER), and the connections it asks for (PostgreSQL, Redis, NATS), each with a
 * readiness check, injectable as PRISMA, REDIS, NATS (and the JetStream TOPOLOGY), closed on shutdown.
 */
@Module({})
export class InfraModule {
  static forRoot(config: ServiceConfig, readiness: Readiness, logger: Logger, options: InfraOptions = {}): DynamicModule {
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
    if (config.databaseUrl && options.prisma !== false) {
      const url = config.databaseUrl;
      providers.push({
        provide: PRISMA,
        inject: [BREAKERS],
        useFactory: (breakers: BreakerRegistry): PrismaClient => {
          // Loaded here, not with this module, so services without Prisma never load it.
          // eslint-disable-next-line @typescript-eslint/no-require-imports
          const { connectPrisma } = require('./resilient-prisma') as typeof import('./resilient-prisma');
          const prisma = connectPrisma(url, breakers);
          readiness.add(postgresCheck(() => prisma.$queryRaw`SELECT 1`));
          closers.push(() => prisma.$disconnect());
          return prisma;
        },
      });
      exported.push(PRISMA);
    } else if (config.databaseUrl) {
      const url = config.databaseUrl;
      providers.push({
        provide: 'SLUICE_POSTGRES_CHECK',
        useFactory: () => {
          const check = plainPostgresCheck(url, config.service);
          readiness.add(check);
          closers.push(() => check.close());
          return check;
        },
      });
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
