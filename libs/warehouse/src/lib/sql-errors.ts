/**
 * SQLSTATE classes (and codes) of errors the statement itself causes, which a retry cannot fix:
 * data exceptions (22: bad cast, invalid regex), constraint violations (23), syntax and access rule
 * violations (42: unknown column or table), cardinality (21), dependent objects (2B), read-only
 * transaction (25006), unsupported features (0A), program limits (54) and the statement timeout
 * (57014). Connection failures, deadlocks, serialization failures, lack of resources and server
 * shutdowns are not in it: those are worth another attempt.
 */
const PERMANENT_CLASSES = new Set(['21', '22', '23', '2B', '42', '0A', '54']);
const PERMANENT_CODES = new Set(['25006', '57014']);

/** Whether a PostgreSQL error means the statement cannot succeed however often it is retried. */
export function isPermanentSqlError(error: unknown): error is Error & { code: string } {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || code.length !== 5) return false;
  return PERMANENT_CODES.has(code) || PERMANENT_CLASSES.has(code.slice(0, 2));
}
