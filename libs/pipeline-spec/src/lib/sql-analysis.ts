import { randomBytes } from 'node:crypto';
import { ALLOWED_SQL_TYPES, functionVerdict } from './sql-functions';
import { describeStatement, refusedNodeReason, ALLOWED_SQL_NODES, ALLOWED_SQL_VALUE_FUNCTIONS } from './sql-nodes';
import { replaceSqlTemplate, scanSqlTemplate } from './sql-template';
import type { SqlTemplateTarget } from './sql-template';
import { PipelineSpecUsageError } from './pipeline-spec-errors';
import { MAX_SQL_LENGTH } from './sql-limits';

/** Where SQL appears: a transform reads `{{ ref('<step>') }}`, a dq `sql` check reads `{{ input }}`. */
export type SqlContext = 'transform' | 'dq';

export type SqlAnalysis =
  | { readonly ok: true; readonly refs: readonly string[]; readonly readsInput: boolean }
  | { readonly ok: false; readonly message: string };

const MAX_TREE_DEPTH = 400;
const MAX_TREE_NODES = 200_000;

type PgQuery = typeof import('libpg-query');

let loading: Promise<void> | undefined;
let parser: PgQuery | undefined;

/**
 * Loads the PostgreSQL parser (WebAssembly) once; `analyzeSql` and `parsePipeline` call it
 * themselves. Importing this library does not load it (its module instantiates the WebAssembly
 * as soon as it is required), so processes that never analyze SQL never hold it.
 */
export function loadSqlParser(): Promise<void> {
  loading ??= (async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const module = require('libpg-query') as PgQuery;
    await module.loadModule();
    parser = module;
  })();
  return loading;
}

/** Checks that `sql` is one read-only SELECT over the pipeline's own tables; see the README for every rule. */
export async function analyzeSql(sql: string, context: SqlContext): Promise<SqlAnalysis> {
  await loadSqlParser();
  return analyzeSqlSync(sql, context);
}

/** `analyzeSql` for callers that already awaited `loadSqlParser()`. */
export function analyzeSqlSync(sql: string, context: SqlContext): SqlAnalysis {
  if (!parser) throw new PipelineSpecUsageError('analyzeSqlSync: await loadSqlParser() first');
  try {
    return { ok: true, ...analyze(parser, sql, context) };
  } catch (error) {
    if (error instanceof SqlRefusal) return { ok: false, message: error.message };
    throw error;
  }
}

class SqlRefusal extends Error {}

function refuse(message: string): never {
  throw new SqlRefusal(message);
}

function analyze(parser: PgQuery, sql: string, context: SqlContext): { refs: string[]; readsInput: boolean } {
  if (sql.trim().length === 0) refuse('SQL is empty');
  if (sql.length > MAX_SQL_LENGTH) refuse(`SQL is longer than ${MAX_SQL_LENGTH} characters`);
  // The parser reads a C string: text after a NUL would be invisible to it but not to every client.
  if (sql.includes('\u0000')) refuse('SQL must not contain NUL characters');

  const scan = scanSqlTemplate(sql);
  if (!scan.ok) refuse(scan.message);
  for (const { target } of scan.occurrences) {
    if (context === 'transform' && target.kind === 'input') refuse('{{ input }} is only for dq sql checks; a transform reads {{ ref(\'<step>\') }}');
    if (context === 'dq' && target.kind === 'ref') refuse('a dq sql check reads {{ input }}, not ref()');
  }

  // A random name per analysis: nothing the author writes (quoted, U&-escaped) can forge a placeholder.
  const nonce = randomBytes(6).toString('hex');
  const placeholders = new Map<string, SqlTemplateTarget>();
  const substituted = replaceSqlTemplate(sql, scan.occurrences, (target, index) => {
    const name = `__sluice_${nonce}_${index}`;
    placeholders.set(name, target);
    return `"${name}"`;
  });

  const statement = singleStatement(parser, substituted);
  const checker = new SqlTreeChecker(placeholders, context);
  checker.checkSelect(statement, new Set(), 0);
  checker.requireEveryPlaceholderUsedAsTable();

  const refs = new Set<string>();
  for (const target of placeholders.values()) if (target.kind === 'ref') refs.add(target.step);
  const readsInput = [...placeholders.values()].some((target) => target.kind === 'input');
  if (context === 'dq' && !readsInput) refuse('a dq sql check must read {{ input }}');
  return { refs: [...refs], readsInput };
}

function singleStatement(parser: PgQuery, sql: string): Record<string, unknown> {
  let statements: readonly { stmt?: unknown }[];
  try {
    statements = parser.parseSync(sql).stmts ?? [];
  } catch (error) {
    if (error instanceof parser.SqlError) refuse(`SQL syntax error: ${error.message}`);
    if (error instanceof RangeError) refuse('SQL is nested too deeply');
    throw error;
  }
  if (statements.length === 0) refuse('SQL is empty');
  if (statements.length > 1) refuse(`SQL must be a single statement; found ${statements.length}`);
  const node = statements[0].stmt;
  const [tag, body] = onlyEntry(node);
  if (tag !== 'SelectStmt') refuse(`only a read-only SELECT is allowed, not ${describeStatement(tag)}`);
  return body;
}

function onlyEntry(node: unknown): [string, Record<string, unknown>] {
  if (node === null || typeof node !== 'object' || Array.isArray(node)) refuse('SQL is empty');
  const entries = Object.entries(node);
  if (entries.length !== 1) refuse('SQL is empty');
  return entries[0] as [string, Record<string, unknown>];
}

/**
 * Walks the parse tree. Node objects are `{ Tag: body }` with an upper-case tag; every tag must be
 * on the allowlist, so a construct this code does not know is refused rather than trusted.
 */
class SqlTreeChecker {
  private readonly seen = new Map<string, number>();
  private nodes = 0;

  constructor(
    private readonly placeholders: ReadonlyMap<string, SqlTemplateTarget>,
    private readonly context: SqlContext,
  ) {}

  checkSelect(stmt: Record<string, unknown>, scope: ReadonlySet<string>, depth: number): void {
    this.count(depth);
    if (stmt.intoClause !== undefined) refuse('SELECT ... INTO creates a table; pipeline SQL must be read-only');
    if (stmt.lockingClause !== undefined) refuse('FOR UPDATE / FOR SHARE takes row locks; pipeline SQL must be read-only');
    const inner = this.checkWith(stmt.withClause, scope, depth + 1);
    for (const [key, value] of Object.entries(stmt)) {
      if (key === 'withClause') continue;
      // Set operations keep their branches as inline SelectStmt structs, without a tag.
      if ((key === 'larg' || key === 'rarg') && isRecord(value)) this.checkSelect(value, inner, depth + 1);
      else this.checkField(key, value, inner, depth + 1);
    }
  }

  requireEveryPlaceholderUsedAsTable(): void {
    for (const [name, target] of this.placeholders) {
      if (this.seen.get(name) !== 1) {
        const shown = target.kind === 'ref' ? `{{ ref('${target.step}') }}` : '{{ input }}';
        refuse(`${shown} must stand where a table name goes (FROM or JOIN), not inside a string, comment or column reference`);
      }
    }
  }

  /** CTE names are in scope for the main query; without RECURSIVE each CTE sees only the earlier ones. */
  private checkWith(withClause: unknown, scope: ReadonlySet<string>, depth: number): ReadonlySet<string> {
    if (withClause === undefined) return scope;
    if (!isRecord(withClause) || !Array.isArray(withClause.ctes)) refuse('unsupported WITH clause');
    const recursive = withClause.recursive === true;
    const ctes = withClause.ctes.map((item) => {
      const [tag, body] = onlyEntry(item);
      if (tag !== 'CommonTableExpr') refuse('unsupported WITH clause');
      if (typeof body.ctename !== 'string') refuse('unsupported WITH clause');
      return { name: body.ctename, body };
    });
    const all = new Set([...scope, ...ctes.map((cte) => cte.name)]);
    const visible = new Set(scope);
    for (const cte of ctes) {
      this.checkValue(cte.body, recursive ? all : visible, depth + 1);
      visible.add(cte.name);
    }
    return all;
  }

  private checkValue(value: unknown, scope: ReadonlySet<string>, depth: number): void {
    this.count(depth);
    if (Array.isArray(value)) {
      for (const item of value) this.checkValue(item, scope, depth + 1);
    } else if (isRecord(value)) {
      for (const [key, child] of Object.entries(value)) {
        if (isNodeTag(key)) this.checkNode(key, child, scope, depth + 1);
        else this.checkField(key, child, scope, depth + 1);
      }
    }
  }

  private checkField(key: string, value: unknown, scope: ReadonlySet<string>, depth: number): void {
    // Inline TypeName structs (casts, typed literals) carry no tag; recognise them by field name.
    if (key === 'typeName') this.checkTypeName(value);
    this.checkValue(value, scope, depth);
  }

  private checkNode(tag: string, body: unknown, scope: ReadonlySet<string>, depth: number): void {
    if (!isRecord(body)) refuse(`unsupported SQL construct ${tag}`);
    switch (tag) {
      case 'SelectStmt':
        return this.checkSelect(body, scope, depth);
      case 'RangeVar':
        return this.checkRangeVar(body, scope);
      case 'FuncCall':
        this.checkFunction(body.funcname);
        break;
      case 'A_Expr':
        this.checkOperator(body.name);
        break;
      case 'SQLValueFunction':
        if (!ALLOWED_SQL_VALUE_FUNCTIONS.has(String(body.op))) refuse('current_user, session_user, current_schema and the like reveal server state and are not allowed');
        break;
      default:
        if (!ALLOWED_SQL_NODES.has(tag)) refuse(refusedNodeReason(tag));
    }
    this.checkValue(body, scope, depth);
  }

  private checkRangeVar(rangeVar: Record<string, unknown>, scope: ReadonlySet<string>): void {
    const name = String(rangeVar.relname);
    const qualifier = [rangeVar.catalogname, rangeVar.schemaname].filter((part) => typeof part === 'string');
    if (qualifier.length === 0 && this.placeholders.has(name)) {
      this.seen.set(name, (this.seen.get(name) ?? 0) + 1);
      return;
    }
    if (qualifier.length === 0 && scope.has(name)) return;
    const shown = [...qualifier, name].join('.');
    const allowed = this.context === 'transform' ? "{{ ref('<step>') }} of this pipeline's steps" : '{{ input }}';
    refuse(`table ${shown} is not allowed: pipeline SQL may only read ${allowed} and its own WITH queries`);
  }

  private checkFunction(funcname: unknown): void {
    const parts = stringList(funcname);
    if (parts.length === 0 || parts.length > 2) refuse(`function ${parts.join('.')}() is not allowed`);
    const verdict = functionVerdict(parts.length === 2 ? parts[0] : undefined, parts[parts.length - 1]);
    if (!verdict.allowed) refuse(verdict.reason);
  }

  private checkOperator(name: unknown): void {
    const parts = stringList(name);
    if (parts.length > 2 || (parts.length === 2 && parts[0] !== 'pg_catalog')) {
      refuse(`operator ${parts.join('.')} is not allowed: only built-in operators may be used`);
    }
  }

  private checkTypeName(typeName: unknown): void {
    if (!isRecord(typeName)) refuse('unsupported type name');
    const parts = stringList(typeName.names);
    const valid = parts.length === 1 || (parts.length === 2 && parts[0] === 'pg_catalog');
    const name = parts[parts.length - 1];
    if (!valid || name === undefined || !ALLOWED_SQL_TYPES.has(name)) {
      refuse(`type ${parts.join('.')} is not allowed in a cast; use one of ${[...ALLOWED_SQL_TYPES].join(', ')}`);
    }
  }

  private count(depth: number): void {
    if (depth > MAX_TREE_DEPTH) refuse('SQL is nested too deeply');
    if (++this.nodes > MAX_TREE_NODES) refuse('SQL is too complex');
  }
}

function isNodeTag(key: string): boolean {
  const first = key.charCodeAt(0);
  return first >= 65 && first <= 90;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** `[{ String: { sval } }, ...]` as plain strings. */
function stringList(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value.map((item) => {
    const sval = isRecord(item) && isRecord(item.String) ? item.String.sval : undefined;
    return typeof sval === 'string' ? sval : '?';
  });
}
