import { Module } from '@nestjs/common';
import { WAREHOUSE_POOL, WarehousePoolCloser, warehousePoolProvider } from './warehouse-pool';

@Module({ providers: [warehousePoolProvider, WarehousePoolCloser], exports: [WAREHOUSE_POOL] })
export class WarehouseModule {}
