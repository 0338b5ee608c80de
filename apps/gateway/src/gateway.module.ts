import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import type { ServiceConfig } from '@sluice/config';
import { IdempotencyStore } from '@sluice/idempotency';
import { REDIS, SERVICE_CONFIG } from '@sluice/runtime';
import type { Redis } from 'ioredis';
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
import { TasksController } from './tasks/tasks.controller';
import { UpstreamModule } from './upstream/upstream.module';

@Module({})
export class GatewayModule {
  static forRoot(config: ServiceConfig): DynamicModule {
    return {
      module: GatewayModule,
      imports: [UpstreamModule.forRoot(config)],
      controllers: [AuthController, UsersController, ApiKeysController, AuditController, StatusController, TasksController],
      providers: [
        ...AUTH_PROVIDERS,
        StatusService,
        { provide: APP_GUARD, useClass: AuthGuard },
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
