import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Module } from '@nestjs/common';
import type { ServiceConfig } from '@sluice/config';
import type { PrismaClient } from '@sluice/database';
import { RedisLock } from '@sluice/lock';
import { DEFAULT_RUN_POLICY, PipelineRepository, RunCoordinator, RunRepository, type RunPolicy } from '@sluice/pipeline-runs';
import { EventPublisher, LOGGER, PRISMA, PUBLISHER, REDIS, SERVICE_CONFIG } from '@sluice/runtime';
import { METRICS_REGISTRY, type Logger } from '@sluice/telemetry';
import type { Redis } from 'ioredis';
import type { Registry } from 'prom-client';
import { PipelinesModule } from '../pipelines/pipelines.module';
import { RunCoordinatorLifecycle } from './run-coordinator.lifecycle';
import { RunsGrpcController } from './runs.grpc.controller';
import { StepEventsWorker } from './step-events.worker';

function policyOf(config: ServiceConfig): RunPolicy {
  const o = config.orchestrator;
  if (!o) return DEFAULT_RUN_POLICY;
  return { ...DEFAULT_RUN_POLICY, concurrency: o.stepConcurrency, retries: o.stepRetries, stepTimeoutMs: o.stepTimeoutMs, retryBackoffMs: o.retryBackoffMs };
}

@Module({
  imports: [PipelinesModule],
  controllers: [RunsGrpcController],
  providers: [
    { provide: RunRepository, inject: [PRISMA], useFactory: (prisma: PrismaClient) => new RunRepository(prisma) },
    {
      provide: RedisLock,
      inject: [REDIS, SERVICE_CONFIG, METRICS_REGISTRY, LOGGER],
      useFactory: (redis: Redis, config: ServiceConfig, registry: Registry, logger: Logger) => new RedisLock({ redis, prefix: config.redisPrefix, registry, logger }),
    },
    {
      provide: RunCoordinator,
      inject: [RunRepository, PipelineRepository, RedisLock, PUBLISHER, LOGGER, SERVICE_CONFIG],
      useFactory: (runs: RunRepository, pipelines: PipelineRepository, lock: RedisLock, publisher: EventPublisher, logger: Logger, config: ServiceConfig) =>
        new RunCoordinator({ runs, pipelines, lock, publisher, logger, policy: policyOf(config), owner: `${hostname()}/${process.pid}/${randomUUID().slice(0, 8)}` }),
    },
    RunCoordinatorLifecycle,
    StepEventsWorker,
  ],
})
export class RunsModule {}
