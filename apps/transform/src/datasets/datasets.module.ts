import { Module } from '@nestjs/common';
import { DatasetsRepository } from '@sluice/transform';
import { WAREHOUSE_POOL } from '@sluice/warehouse';
import type { Pool } from 'pg';
import { WarehouseModule } from '../warehouse/warehouse.module';
import { DatasetsGrpcController } from './datasets.grpc.controller';

/** Longest a page of dataset rows may take to read. */
const READ_STATEMENT_TIMEOUT_MS = 30_000;

@Module({
  imports: [WarehouseModule],
  controllers: [DatasetsGrpcController],
  providers: [{ provide: DatasetsRepository, inject: [WAREHOUSE_POOL], useFactory: (pool: Pool) => new DatasetsRepository(pool, READ_STATEMENT_TIMEOUT_MS) }],
})
export class DatasetsModule {}
