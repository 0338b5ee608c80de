import { Module } from '@nestjs/common';
import { DqCheckRunner } from '@sluice/data-quality';
import type { Pool } from 'pg';
import { DataQualityStepWorker } from './data-quality-step.worker';
import { StatusGrpcController } from './status.grpc.controller';
import { WAREHOUSE_POOL, WarehousePoolCloser, warehousePoolProvider } from './warehouse-pool';

/** Longest a single check's statement may run. */
const CHECK_STATEMENT_TIMEOUT_MS = 5 * 60_000;

@Module({
  controllers: [StatusGrpcController],
  providers: [
    warehousePoolProvider,
    WarehousePoolCloser,
    { provide: DqCheckRunner, inject: [WAREHOUSE_POOL], useFactory: (pool: Pool) => new DqCheckRunner(pool, CHECK_STATEMENT_TIMEOUT_MS) },
    DataQualityStepWorker,
  ],
})
export class StepsModule {}
