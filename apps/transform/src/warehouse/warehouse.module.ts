import { Module } from '@nestjs/common';
import { SERVICE_CONFIG } from '@sluice/runtime';
import { WAREHOUSE_POOL, warehousePoolProviders } from '@sluice/warehouse';

/** The warehouse pool: transforms write in transactions of their own, and datasets are read from it. */
@Module({ providers: warehousePoolProviders(SERVICE_CONFIG), exports: [WAREHOUSE_POOL] })
export class WarehouseModule {}
