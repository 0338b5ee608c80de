import { z } from 'zod';
import { durationProblem } from './duration';
import { IDENTIFIER_PATTERN, reservedNameProblem } from './identifier';
import { checkPipelineGraph } from './pipeline-graph-rules';
import { regexPatternProblem } from './regex-pattern';
import { MAX_SQL_LENGTH } from './sql-limits';

export const MAX_STEPS = 100;
export const MAX_COLUMNS = 500;
export const MAX_CHECKS = 100;

/** A string refined by `problem(value)`, whose text becomes the issue message. */
function refinedString(problem: (value: string) => string | undefined, base: z.ZodString = z.string()): z.ZodString {
  return base.superRefine((value, ctx) => {
    const message = problem(value);
    if (message !== undefined) ctx.addIssue({ code: 'custom', message, input: value });
  });
}

/** A step id or check name: never written into SQL by the author (ref() templates stand for steps). */
export const Identifier = z.string().regex(IDENTIFIER_PATTERN, 'must be 1-63 characters a-z, 0-9 and _, starting with a letter');

/** A table or column name, which authors write unquoted in SQL: reserved words and pg_ names are refused too. */
export const SqlName = refinedString(reservedNameProblem, Identifier);

const uniqueList = <T extends z.ZodType<string>>(item: T, what: string, max: number) =>
  z
    .array(item)
    .max(max)
    .superRefine((items, ctx) => {
      items.forEach((item, index) => {
        if (items.indexOf(item) !== index) ctx.addIssue({ code: 'custom', path: [index], message: `duplicate ${what} ${item}`, input: item });
      });
    });

export const PipelineName = z
  .string()
  .regex(/^[a-z][a-z0-9_-]{0,62}$/, 'must be 1-63 characters a-z, 0-9, _ and -, starting with a letter');

export const COLUMN_TYPES = ['text', 'integer', 'bigint', 'numeric', 'boolean', 'date', 'timestamptz', 'jsonb'] as const;
export const SOURCE_FORMATS = ['csv', 'ndjson', 'json'] as const;

const HttpUrl = z
  .string()
  .max(2048)
  .superRefine((value, ctx) => {
    const problem = httpUrlProblem(value);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem, input: value });
  });

function httpUrlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an absolute http(s) URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `must be an http(s) URL, not ${url.protocol}`;
  // Definitions are stored, versioned and shown to every member of the tenant: no secrets in them.
  if (url.username !== '' || url.password !== '') return 'must not contain a user name or password';
  return undefined;
}

/** `data/movies.csv`: segments of letters, digits, `.`, `_`, `-`; no `..`, no leading `/`. */
const RelativePath = z
  .string()
  .max(1024)
  .superRefine((value, ctx) => {
    const segments = value.split('/');
    const valid = segments.every((segment) => /^[A-Za-z0-9._-]+$/.test(segment) && segment !== '.' && segment !== '..');
    if (!valid) {
      ctx.addIssue({ code: 'custom', input: value, message: 'must be a relative path of letters, digits, ., _ and - segments separated by /, without .. or a leading /' });
    }
  });

const HttpSource = z.strictObject({ type: z.literal('http'), url: HttpUrl, format: z.enum(SOURCE_FORMATS) });
const FileSource = z.strictObject({ type: z.literal('file'), path: RelativePath, format: z.enum(SOURCE_FORMATS) });
const ScrapeSource = z.strictObject({ type: z.literal('scrape'), taskId: z.uuid('must be a task id (UUID)') });
export const Source = z.discriminatedUnion('type', [HttpSource, FileSource, ScrapeSource]);

export const Column = z.strictObject({
  name: SqlName,
  type: z.enum(COLUMN_TYPES),
  nullable: z.boolean().default(false),
});

const DependsOn = uniqueList(Identifier, 'step', MAX_STEPS).optional();

export const IngestStep = z.strictObject({
  id: Identifier,
  kind: z.literal('ingest'),
  source: Source,
  columns: z
    .array(Column)
    .min(1)
    .max(MAX_COLUMNS)
    .superRefine((columns, ctx) => {
      const names = columns.map((column) => column.name);
      names.forEach((name, index) => {
        if (names.indexOf(name) !== index) ctx.addIssue({ code: 'custom', path: [index, 'name'], message: `duplicate column ${name}`, input: name });
      });
    }),
  dependsOn: DependsOn,
});

export const Severity = z.enum(['error', 'warn']);
const severity = Severity.default('error');

const minMaxProblem = (check: { min?: number; max?: number }, ctx: z.RefinementCtx): void => {
  if (check.min === undefined && check.max === undefined) ctx.addIssue({ code: 'custom', path: ['min'], message: 'needs min, max or both', input: check });
  if (check.min !== undefined && check.max !== undefined && check.min > check.max) {
    ctx.addIssue({ code: 'custom', path: ['max'], message: 'must not be less than min', input: check.max });
  }
};

/**
 * How many failing rows a row-level check tolerates before it fails: at most `maxFailing` rows and at
 * most `maxFailingPercent` of the rows checked (both must hold when both are given; none = 0 rows).
 */
const thresholds = {
  maxFailing: z.int().min(0).optional(),
  maxFailingPercent: z.number().min(0).max(100).optional(),
};

const NotNullCheck = z.strictObject({ type: z.literal('not_null'), column: SqlName, severity, ...thresholds });
const UniqueCheck = z.strictObject({ type: z.literal('unique'), column: SqlName, severity, ...thresholds });
const RangeCheck = z
  .strictObject({ type: z.literal('range'), column: SqlName, min: z.number().optional(), max: z.number().optional(), severity, ...thresholds })
  .superRefine(minMaxProblem);
const AcceptedValuesCheck = z.strictObject({
  type: z.literal('accepted_values'),
  column: SqlName,
  values: z.array(z.union([z.string().max(1000), z.number(), z.boolean()])).min(1, 'needs at least one value').max(1000),
  severity,
  ...thresholds,
});
const RegexCheck = z.strictObject({
  type: z.literal('regex'),
  column: SqlName,
  pattern: refinedString(regexPatternProblem),
  severity,
  ...thresholds,
});
const RowCountCheck = z
  .strictObject({ type: z.literal('row_count'), min: z.int().min(0).optional(), max: z.int().min(0).optional(), severity })
  .superRefine(minMaxProblem);
const FreshnessCheck = z.strictObject({
  type: z.literal('freshness'),
  column: SqlName,
  maxAge: refinedString(durationProblem),
  severity,
});
const SqlCheck = z.strictObject({
  type: z.literal('sql'),
  name: Identifier,
  query: z.string().max(MAX_SQL_LENGTH),
  mustBe: z.number(),
  severity,
});
export const Check = z.discriminatedUnion('type', [
  NotNullCheck,
  UniqueCheck,
  RangeCheck,
  AcceptedValuesCheck,
  RegexCheck,
  RowCountCheck,
  FreshnessCheck,
  SqlCheck,
]);

export const DqStep = z.strictObject({
  id: Identifier,
  kind: z.literal('dq'),
  input: Identifier,
  checks: z
    .array(Check)
    .min(1)
    .max(MAX_CHECKS)
    .superRefine((checks, ctx) => {
      const names = checks.map((check) => (check.type === 'sql' ? check.name : undefined));
      names.forEach((name, index) => {
        if (name !== undefined && names.indexOf(name) !== index) ctx.addIssue({ code: 'custom', path: [index, 'name'], message: `duplicate check name ${name}`, input: name });
      });
    }),
  /** Row-level checks read a random sample of about this share of the input (TABLESAMPLE BERNOULLI). */
  sample: z.strictObject({ percent: z.number().gt(0).max(100) }).optional(),
  dependsOn: DependsOn,
});

export const WRITE_MODES = ['replace', 'append', 'upsert'] as const;

export const TransformOutput = z
  .strictObject({ table: SqlName, mode: z.enum(WRITE_MODES), key: uniqueList(SqlName, 'key column', 32).optional() })
  .superRefine((output, ctx) => {
    if (output.mode === 'upsert' && (output.key === undefined || output.key.length === 0)) {
      ctx.addIssue({ code: 'custom', path: ['key'], message: 'mode upsert needs key: the columns that identify a row', input: output.key });
    }
    if (output.mode !== 'upsert' && output.key !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['key'], message: 'key is only used with mode upsert', input: output.key });
    }
  });

export const TransformStep = z.strictObject({
  id: Identifier,
  kind: z.literal('transform'),
  inputs: uniqueList(Identifier, 'input', MAX_STEPS).min(1),
  dependsOn: DependsOn,
  sql: z.string().max(MAX_SQL_LENGTH),
  output: TransformOutput,
});

export const Step = z.discriminatedUnion('kind', [IngestStep, DqStep, TransformStep]);

/**
 * A pipeline definition: structure, identifiers and the step graph (duplicate ids, unknown or
 * wrongly-kinded targets, cycles, duplicate output tables). The SQL rules need the PostgreSQL
 * parser and are applied by parsePipeline on top of this schema.
 */
export const PipelineSchema = z
  .strictObject({
    name: PipelineName,
    steps: z.array(Step).min(1).max(MAX_STEPS),
  })
  .superRefine(
    (pipeline, ctx) => {
      for (const violation of checkPipelineGraph(pipeline)) {
        ctx.addIssue({ code: 'custom', path: violation.path, message: violation.message, input: pipeline });
      }
    },
    // Graph rules on a definition with bad ids would only echo those errors ("unknown step load").
    { when: (payload) => payload.issues.length === 0 },
  );

export type Pipeline = z.output<typeof PipelineSchema>;
export type PipelineInput = z.input<typeof PipelineSchema>;
export type PipelineStep = z.output<typeof Step>;
export type IngestStep = z.output<typeof IngestStep>;
export type DqStep = z.output<typeof DqStep>;
export type TransformStep = z.output<typeof TransformStep>;
export type DqCheck = z.output<typeof Check>;
export type IngestSource = z.output<typeof Source>;
export type IngestColumn = z.output<typeof Column>;
export type ColumnType = (typeof COLUMN_TYPES)[number];
export type SourceFormat = (typeof SOURCE_FORMATS)[number];
export type WriteMode = (typeof WRITE_MODES)[number];
export type CheckSeverity = z.output<typeof Severity>;
export type StepKind = PipelineStep['kind'];
