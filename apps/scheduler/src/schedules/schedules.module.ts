import { Module } from '@nestjs/common';
import type { ServiceConfig } from '@sluice/config';
import type { PrismaClient } from '@sluice/database';
import { RedisLock } from '@sluice/lock';
import { LOGGER, PRISMA, REDIS, SERVICE_CONFIG } from '@sluice/runtime';
import { TaskService } from '@sluice/tasks';
import { METRICS_REGISTRY, type Logger } from '@sluice/telemetry';
import type { Redis } from 'ioredis';
import type { Registry } from 'prom-client';
import { TasksModule } from '../tasks/tasks.module';
import { OrchestratorRunsClient } from './orchestrator-runs.client';
import { ScheduleFirer } from './schedule-firer';
import { ScheduleMetrics } from './schedule-metrics';
import { ScheduleRepository } from './schedule.repository';
import { SchedulerLeader } from './scheduler-leader';
import { SchedulesGrpcController } from './schedules.grpc.controller';
import { SchedulesService } from './schedules.service';

@Module({
  imports: [TasksModule],
  controllers: [SchedulesGrpcController],
  providers: [
    { provide: ScheduleRepository, inject: [PRISMA], useFactory: (prisma: PrismaClient) => new ScheduleRepository(prisma) },
    OrchestratorRunsClient,
    {
      provide: SchedulesService,
      inject: [ScheduleRepository, OrchestratorRunsClient],
      useFactory: (repo: ScheduleRepository, orchestrator: OrchestratorRunsClient) => new SchedulesService(repo, orchestrator),
    },
    { provide: ScheduleMetrics, inject: [METRICS_REGISTRY], useFactory: (registry: Registry) => new ScheduleMetrics(registry) },
    {
      provide: ScheduleFirer,
      inject: [ScheduleRepository, TaskService, OrchestratorRunsClient, LOGGER, ScheduleMetrics],
      useFactory: (repo: ScheduleRepository, tasks: TaskService, orchestrator: OrchestratorRunsClient, logger: Logger, metrics: ScheduleMetrics) =>
        new ScheduleFirer(repo, tasks, orchestrator, logger, metrics),
    },
    {
      provide: RedisLock,
      inject: [REDIS, SERVICE_CONFIG, METRICS_REGISTRY, LOGGER],
      useFactory: (redis: Redis, config: ServiceConfig, registry: Registry, logger: Logger) => new RedisLock({ redis, prefix: config.redisPrefix, registry, logger }),
    },
    SchedulerLeader,
  ],
})
export class SchedulesModule {}
