import type { z } from 'zod';
import { readDocument } from './document-reader';
import type { PipelineContentType } from './document-reader';
import { PipelineSchema } from './pipeline-schema';
import type { Pipeline } from './pipeline-schema';
import { PipelineSpecUsageError } from './pipeline-spec-errors';
import { analyzeSqlSync, loadSqlParser } from './sql-analysis';

/** One problem in a definition; `path` is dotted (`steps.2.sql`), `(root)` for the document itself. */
export interface PipelineViolation {
  readonly path: string;
  readonly message: string;
}

export type PipelineParseResult =
  | { readonly valid: true; readonly pipeline: Pipeline }
  | { readonly valid: false; readonly errors: readonly PipelineViolation[] };

export const ROOT_PATH = '(root)';

/**
 * Parses and validates a pipeline definition: size, syntax, the schema, the step graph and every
 * SQL text. Bad input yields `{ valid: false, errors }`; it throws only when called wrongly.
 */
export async function parsePipeline(text: string, contentType: PipelineContentType): Promise<PipelineParseResult> {
  if (typeof text !== 'string') throw new PipelineSpecUsageError('parsePipeline: text must be a string');
  if (contentType !== 'yaml' && contentType !== 'json') throw new PipelineSpecUsageError(`parsePipeline: unknown content type ${String(contentType)}`);
  const read = readDocument(text, contentType);
  if (!read.ok) return invalid([{ path: ROOT_PATH, message: read.message }]);
  return validatePipeline(read.value);
}

/** parsePipeline for a value that is already parsed (e.g. a stored JSON body). */
export async function validatePipeline(value: unknown): Promise<PipelineParseResult> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return invalid([{ path: ROOT_PATH, message: `a pipeline definition must be a mapping (object), not ${describeValue(value)}` }]);
  }
  const parsed = PipelineSchema.safeParse(value);
  if (!parsed.success) return invalid(zodIssueViolations(parsed.error.issues));
  await loadSqlParser();
  const sqlErrors = sqlViolations(parsed.data);
  return sqlErrors.length > 0 ? invalid(sqlErrors) : { valid: true, pipeline: parsed.data };
}

function sqlViolations(pipeline: Pipeline): PipelineViolation[] {
  const errors: PipelineViolation[] = [];
  pipeline.steps.forEach((step, index) => {
    if (step.kind === 'transform') {
      const analysis = analyzeSqlSync(step.sql, 'transform');
      if (!analysis.ok) errors.push({ path: `steps.${index}.sql`, message: analysis.message });
    } else if (step.kind === 'dq') {
      step.checks.forEach((check, checkIndex) => {
        if (check.type !== 'sql') return;
        const analysis = analyzeSqlSync(check.query, 'dq');
        if (!analysis.ok) errors.push({ path: `steps.${index}.checks.${checkIndex}.query`, message: analysis.message });
      });
    }
  });
  return errors;
}

/** Zod issues as violations; an unknown key is reported at the key's own path. */
export function zodIssueViolations(issues: readonly z.core.$ZodIssue[]): PipelineViolation[] {
  const violations: PipelineViolation[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) violations.push({ path: dotted([...issue.path, key]), message: `unknown key ${key}` });
    } else {
      violations.push({ path: dotted(issue.path), message: issue.message });
    }
  }
  return violations;
}

function dotted(path: readonly PropertyKey[]): string {
  return path.length === 0 ? ROOT_PATH : path.map(String).join('.');
}

function invalid(errors: PipelineViolation[]): PipelineParseResult {
  return { valid: false, errors };
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return `a ${typeof value}`;
}
