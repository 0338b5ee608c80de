export { tenantSchema, stagingTable, rejectTable, loadingTable, stepOutputTable, stepInputTables, qualifiedName } from './lib/names';
export { ensureTenantSchema } from './lib/tenant-schema';
export type { RunSql } from './lib/tenant-schema';
export { isPermanentSqlError } from './lib/sql-errors';
export { WAREHOUSE_POOL, createWarehousePool, warehousePoolProviders, WarehousePoolCloser } from './lib/warehouse-pool';
export type { WarehousePoolOptions } from './lib/warehouse-pool';
