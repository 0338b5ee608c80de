export { tenantSchema, stagingTable, rejectTable, loadingTable, stepOutputTable, stepInputTables, qualifiedName } from './lib/names';
export { ensureTenantSchema } from './lib/tenant-schema';
export type { RunSql } from './lib/tenant-schema';
export { isPermanentSqlError } from './lib/sql-errors';
