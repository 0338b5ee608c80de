import { Module } from '@nestjs/common';
import { DqCheckRunner } from '@sluice/data-quality';
import { SERVICE_CONFIG } from '@sluice/runtime';
import { WAREHOUSE_POOL, warehousePoolProviders } from '@sluice/warehouse';
import type { Pool } from 'pg';
import { DataQualityStepWorker } from './data-quality-step.worker';
import { StatusGrpcController } from './status.grpc.controller';

/** Longest a single check's statement may run. */
const CHECK_STATEMENT_TIMEOUT_MS = 5 * 60_000;

@Module({
  controllers: [StatusGrpcController],
  providers: [
    ...warehousePoolProviders(SERVICE_CONFIG),
    { provide: DqCheckRunner, inject: [WAREHOUSE_POOL], useFactory: (pool: Pool) => new DqCheckRunner(pool, CHECK_STATEMENT_TIMEOUT_MS) },
    DataQualityStepWorker,
  ],
})
export class StepsModule {}
