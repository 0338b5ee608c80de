/**
 * Parse-tree node tags pipeline SQL may contain: the expression and query shapes of a read-only
 * SELECT. SelectStmt, RangeVar, FuncCall, A_Expr and SQLValueFunction have their own checks in
 * sql-analysis.ts; anything not listed (DML, DDL, parameters, XML and JSON_TABLE constructs,
 * TABLESAMPLE, column definition lists, ...) is refused.
 */
export const ALLOWED_SQL_NODES: ReadonlySet<string> = new Set([
  'ResTarget', 'ColumnRef', 'A_Star', 'A_Const', 'BoolExpr', 'NullTest', 'BooleanTest', 'TypeCast',
  'CaseExpr', 'CaseWhen', 'CoalesceExpr', 'MinMaxExpr', 'SubLink', 'RowExpr', 'A_ArrayExpr', 'A_Indirection',
  'A_Indices', 'RangeSubselect', 'RangeFunction', 'JoinExpr', 'SortBy', 'WindowDef', 'GroupingSet',
  'GroupingFunc', 'CollateClause', 'NamedArgExpr', 'String', 'Integer', 'Float', 'Boolean', 'BitString', 'List',
]);

/** CURRENT_DATE, LOCALTIMESTAMP and friends; CURRENT_USER, SESSION_USER, CURRENT_SCHEMA etc. are refused. */
export const ALLOWED_SQL_VALUE_FUNCTIONS: ReadonlySet<string> = new Set([
  'SVFOP_CURRENT_DATE', 'SVFOP_CURRENT_TIME', 'SVFOP_CURRENT_TIME_N', 'SVFOP_CURRENT_TIMESTAMP',
  'SVFOP_CURRENT_TIMESTAMP_N', 'SVFOP_LOCALTIME', 'SVFOP_LOCALTIME_N', 'SVFOP_LOCALTIMESTAMP',
  'SVFOP_LOCALTIMESTAMP_N',
]);

const STATEMENT_NAMES: Readonly<Record<string, string>> = {
  InsertStmt: 'INSERT', UpdateStmt: 'UPDATE', DeleteStmt: 'DELETE', MergeStmt: 'MERGE',
  CreateStmt: 'CREATE TABLE', CreateTableAsStmt: 'CREATE TABLE AS', ViewStmt: 'CREATE VIEW',
  CreateFunctionStmt: 'CREATE FUNCTION', IndexStmt: 'CREATE INDEX', DropStmt: 'DROP',
  AlterTableStmt: 'ALTER TABLE', RenameStmt: 'ALTER ... RENAME', TruncateStmt: 'TRUNCATE', CopyStmt: 'COPY',
  GrantStmt: 'GRANT/REVOKE', GrantRoleStmt: 'GRANT/REVOKE role', VariableSetStmt: 'SET',
  VariableShowStmt: 'SHOW', DoStmt: 'DO', CallStmt: 'CALL', ExplainStmt: 'EXPLAIN',
  TransactionStmt: 'a transaction command', LockStmt: 'LOCK', VacuumStmt: 'VACUUM/ANALYZE',
  NotifyStmt: 'NOTIFY', ListenStmt: 'LISTEN', PrepareStmt: 'PREPARE', ExecuteStmt: 'EXECUTE',
  DeclareCursorStmt: 'DECLARE CURSOR', CreateSchemaStmt: 'CREATE SCHEMA', CreateRoleStmt: 'CREATE ROLE',
  AlterRoleStmt: 'ALTER ROLE', CreateExtensionStmt: 'CREATE EXTENSION', LoadStmt: 'LOAD',
};

/** A readable name for a statement node, e.g. `DROP` for DropStmt. */
export function describeStatement(tag: string): string {
  return STATEMENT_NAMES[tag] ?? `a ${tag.replace(/Stmt$/, '')} statement`;
}

/** Why a node that is not on the allowlist is refused. */
export function refusedNodeReason(tag: string): string {
  if (tag === 'InsertStmt' || tag === 'UpdateStmt' || tag === 'DeleteStmt' || tag === 'MergeStmt') {
    return `${describeStatement(tag)} modifies data (also inside WITH); pipeline SQL must be read-only`;
  }
  if (tag.endsWith('Stmt')) return `${describeStatement(tag)} is not allowed; pipeline SQL must be a single read-only SELECT`;
  if (tag === 'ParamRef') return 'parameters such as $1 are not supported in pipeline SQL';
  if (tag === 'CommonTableExpr') return 'unsupported WITH clause';
  return `the SQL construct ${tag} is not supported in pipeline SQL`;
}
