import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import type { ServiceConfig } from '@sluice/config';
import { IdempotencyStore } from '@sluice/idempotency';
import { RedisLock } from '@sluice/lock';
import { RateLimiter } from '@sluice/rate-limit';
import { LOGGER, REDIS, SERVICE_CONFIG } from '@sluice/runtime';
import { METRICS_REGISTRY, type Logger } from '@sluice/telemetry';
import type { Registry } from 'prom-client';
import { createGatewayLimiter, RateLimiterCloser } from './limits/gateway-limits';
import { LoginThrottle } from './limits/login-throttle';
import { IpRateLimitGuard, TenantRateLimitGuard } from './limits/rate-limit.guards';
import type { Redis } from 'ioredis';
import { CacheAdminController } from './admin/cache-admin.controller';
import { LocksAdminController } from './admin/locks-admin.controller';
import { ApiKeysController } from './auth/api-keys.controller';
import { AuditController } from './auth/audit.controller';
import { AuditInterceptor } from './auth/audit.interceptor';
import { AuthController } from './auth/auth.controller';
import { AuthGuard } from './auth/auth.guard';
import { AUTH_PROVIDERS } from './auth/auth.providers';
import { UsersController } from './auth/users.controller';
import { IdempotencyInterceptor } from './idempotency/idempotency.interceptor';
import { StatusController } from './status/status.controller';
import { StatusService } from './status/status.service';
import { SchedulesController } from './schedules/schedules.controller';
import { TasksController } from './tasks/tasks.controller';
import { UpstreamModule } from './upstream/upstream.module';
import { PipelinesController } from './pipelines/pipelines.controller';
import { RunsController } from './pipelines/runs.controller';
import { DatasetsController } from './datasets/datasets.controller';
import { EventsModule } from './events/events.module';
import { RunEventsController } from './events/run-events.controller';

@Module({})
export class GatewayModule {
  static forRoot(config: ServiceConfig): DynamicModule {
    return {
      module: GatewayModule,
      imports: [UpstreamModule.forRoot(config), EventsModule],
      controllers: [AuthController, UsersController, ApiKeysController, AuditController, CacheAdminController, LocksAdminController, StatusController, TasksController, SchedulesController, RunEventsController, DatasetsController, PipelinesController, RunsController],
      providers: [
        ...AUTH_PROVIDERS,
        StatusService,
        {
          provide: RateLimiter,
          inject: [REDIS, SERVICE_CONFIG, METRICS_REGISTRY, LOGGER],
          useFactory: (redis: Redis, c: ServiceConfig, registry: Registry, logger: Logger) =>
            createGatewayLimiter(redis, c.redisPrefix, c.auth!.rateLimits, registry, logger),
        },
        RateLimiterCloser,
        {
          provide: RedisLock,
          inject: [REDIS, SERVICE_CONFIG, METRICS_REGISTRY, LOGGER],
          useFactory: (redis: Redis, c: ServiceConfig, registry: Registry, logger: Logger) =>
            new RedisLock({ redis, prefix: c.redisPrefix, registry, logger }),
        },
        LoginThrottle,
        // guards run in this order: address limit, authentication, tenant limit
        { provide: APP_GUARD, useClass: IpRateLimitGuard },
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_GUARD, useClass: TenantRateLimitGuard },
        { provide: APP_INTERCEPTOR, useClass: AuditInterceptor },
        { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
        {
          provide: IdempotencyStore,
          inject: [REDIS, SERVICE_CONFIG],
          useFactory: (redis: Redis, c: ServiceConfig) => new IdempotencyStore(redis, c.redisPrefix),
        },
      ],
    };
  }
}
