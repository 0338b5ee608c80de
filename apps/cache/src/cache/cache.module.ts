import { Module } from '@nestjs/common';
import type { ServiceConfig } from '@sluice/config';
import { CacheStore } from '@sluice/cache-store';
import { REDIS, SERVICE_CONFIG } from '@sluice/runtime';
import type { Redis } from 'ioredis';
import { CacheInvalidations } from './cache-invalidations';
import { CacheGrpcController } from './cache.grpc.controller';
import { CacheLookupMetrics } from './cache-lookup.metrics';

@Module({
  controllers: [CacheGrpcController],
  providers: [
    CacheInvalidations,
    CacheLookupMetrics,
    {
      provide: CacheStore,
      inject: [REDIS, SERVICE_CONFIG],
      useFactory: (redis: Redis, config: ServiceConfig) => new CacheStore(redis, { prefix: config.redisPrefix }),
    },
  ],
})
export class CacheModule {}
