import { Module } from '@nestjs/common';
import { PipelineRowsMetrics } from '@sluice/runtime';
import { TransformWriter } from '@sluice/transform';
import { WAREHOUSE_POOL } from '@sluice/warehouse';
import type { Pool } from 'pg';
import { WarehouseModule } from '../warehouse/warehouse.module';
import { StatusGrpcController } from './status.grpc.controller';
import { TransformStepWorker } from './transform-step.worker';

/** Longest one statement of a transform may run. */
const TRANSFORM_STATEMENT_TIMEOUT_MS = 30 * 60_000;

@Module({
  imports: [WarehouseModule],
  controllers: [StatusGrpcController],
  providers: [
    { provide: TransformWriter, inject: [WAREHOUSE_POOL], useFactory: (pool: Pool) => new TransformWriter(pool, TRANSFORM_STATEMENT_TIMEOUT_MS) },
    PipelineRowsMetrics,
    TransformStepWorker,
  ],
})
export class StepsModule {}
