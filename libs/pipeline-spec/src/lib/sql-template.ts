import { identifierProblem, quoteIdentifier } from './identifier';
import { PipelineSpecUsageError } from './pipeline-spec-errors';

/** What a `{{ ... }}` expression in pipeline SQL stands for. */
export type SqlTemplateTarget = { readonly kind: 'ref'; readonly step: string } | { readonly kind: 'input' };

export interface SqlTemplateOccurrence {
  readonly target: SqlTemplateTarget;
  /** Offsets of the whole `{{ ... }}` expression in the SQL text. */
  readonly start: number;
  readonly end: number;
}

export type SqlTemplateScan =
  | { readonly ok: true; readonly occurrences: readonly SqlTemplateOccurrence[] }
  | { readonly ok: false; readonly message: string };

/** A table the template is rendered to, e.g. the staging table of step `load` in the tenant's schema. */
export interface QualifiedTable {
  readonly schema: string;
  readonly table: string;
}

const EXPRESSION = /\{\{([^{}]*)\}\}/g;
const REF_EXPRESSION = /^\s*ref\(\s*(?:'([^']*)'|"([^"]*)")\s*\)\s*$/;
const INPUT_EXPRESSION = /^\s*input\s*$/;
/** Bounds the work done on one SQL text; real transforms use a handful of refs. */
export const MAX_TEMPLATE_EXPRESSIONS = 100;

/** Finds every `{{ ref('<step>') }}` and `{{ input }}`; anything else between braces is an error. */
export function scanSqlTemplate(sql: string): SqlTemplateScan {
  const occurrences: SqlTemplateOccurrence[] = [];
  for (const match of sql.matchAll(EXPRESSION)) {
    if (occurrences.length === MAX_TEMPLATE_EXPRESSIONS) {
      return { ok: false, message: `more than ${MAX_TEMPLATE_EXPRESSIONS} template expressions` };
    }
    const body = match[1];
    const start = match.index;
    const end = start + match[0].length;
    const ref = REF_EXPRESSION.exec(body);
    if (ref) {
      const step = ref[1] ?? ref[2];
      const problem = identifierProblem(step);
      if (problem !== undefined) return { ok: false, message: `ref(): ${problem}` };
      occurrences.push({ target: { kind: 'ref', step }, start, end });
    } else if (INPUT_EXPRESSION.test(body)) {
      occurrences.push({ target: { kind: 'input' }, start, end });
    } else {
      return { ok: false, message: `unknown template expression {{${body.slice(0, 60)}}}: use {{ ref('<step>') }} or {{ input }}` };
    }
  }
  const rest = sql.replace(EXPRESSION, '');
  if (rest.includes('{{') || rest.includes('}}')) {
    return { ok: false, message: 'unbalanced {{ or }}: template expressions are {{ ref(\'<step>\') }} and {{ input }}' };
  }
  return { ok: true, occurrences };
}

/** The step ids a SQL text refers to with `ref()`, unique, in order of first use; [] when the template is invalid. */
export function sqlTemplateRefs(sql: string): string[] {
  const scan = scanSqlTemplate(sql);
  if (!scan.ok) return [];
  const refs = new Set<string>();
  for (const { target } of scan.occurrences) if (target.kind === 'ref') refs.add(target.step);
  return [...refs];
}

/** Replaces every template expression with `replacement(target, index)`; the template must scan cleanly. */
export function replaceSqlTemplate(
  sql: string,
  occurrences: readonly SqlTemplateOccurrence[],
  replacement: (target: SqlTemplateTarget, index: number) => string,
): string {
  let out = '';
  let cursor = 0;
  occurrences.forEach((occurrence, index) => {
    out += sql.slice(cursor, occurrence.start) + replacement(occurrence.target, index);
    cursor = occurrence.end;
  });
  return out + sql.slice(cursor);
}

/**
 * The SQL a worker runs: each expression becomes the schema-qualified, quoted table that `resolve`
 * names. Only call it for SQL that passed `analyzeSql`, which proved every expression sits where a
 * table name goes.
 */
export function renderSql(sql: string, resolve: (target: SqlTemplateTarget) => QualifiedTable): string {
  const scan = scanSqlTemplate(sql);
  if (!scan.ok) throw new PipelineSpecUsageError(`renderSql: ${scan.message}`);
  return replaceSqlTemplate(sql, scan.occurrences, (target) => {
    const { schema, table } = resolve(target);
    return `${quoteIdentifier(schema)}.${quoteIdentifier(table)}`;
  });
}
