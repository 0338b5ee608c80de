export { parsePipeline, validatePipeline, zodIssueViolations, ROOT_PATH } from './lib/parse-pipeline';
export type { PipelineParseResult, PipelineViolation } from './lib/parse-pipeline';
export { readDocument, MAX_DOCUMENT_BYTES, MAX_DOCUMENT_NODES, MAX_DOCUMENT_DEPTH, MAX_YAML_ALIAS_COUNT } from './lib/document-reader';
export type { PipelineContentType, DocumentRead } from './lib/document-reader';
export {
  PipelineSchema,
  Step,
  IngestStep,
  DqStep,
  TransformStep,
  Check,
  Source,
  Column,
  Identifier,
  SqlName,
  PipelineName,
  COLUMN_TYPES,
  SOURCE_FORMATS,
  WRITE_MODES,
  MAX_STEPS,
  MAX_COLUMNS,
  MAX_CHECKS,
} from './lib/pipeline-schema';
export type {
  Pipeline,
  PipelineInput,
  PipelineStep,
  DqCheck,
  IngestSource,
  IngestColumn,
  ColumnType,
  SourceFormat,
  WriteMode,
  CheckSeverity,
  StepKind,
} from './lib/pipeline-schema';
export { pipelineJsonSchema } from './lib/json-schema';
export { IDENTIFIER_PATTERN, identifierProblem, sqlNameProblem, quoteIdentifier } from './lib/identifier';
export { RESERVED_SQL_WORDS } from './lib/reserved-words';
export { durationToMs, durationProblem, DURATION_PATTERN, MAX_DURATION_MS } from './lib/duration';
export { regexPatternProblem, MAX_REGEX_PATTERN_LENGTH } from './lib/regex-pattern';
export { analyzeSql, analyzeSqlSync, loadSqlParser } from './lib/sql-analysis';
export type { SqlAnalysis, SqlContext } from './lib/sql-analysis';
export { MAX_SQL_LENGTH } from './lib/sql-limits';
export { ALLOWED_SQL_FUNCTIONS, ALLOWED_SQL_TYPES } from './lib/sql-functions';
export { scanSqlTemplate, sqlTemplateRefs, renderSql } from './lib/sql-template';
export type { SqlTemplateTarget, SqlTemplateOccurrence, SqlTemplateScan, QualifiedTable } from './lib/sql-template';
export { dependenciesOf, stepEdges } from './lib/step-dependencies';
export type { StepEdge } from './lib/step-dependencies';
export { topologicalOrder } from './lib/topological-order';
export { readySteps, dqStepOutcome } from './lib/ready-steps';
export type { ReadySet, BlockedStep, DqOutcome } from './lib/ready-steps';
export { canonicalJson, definitionHash } from './lib/definition-hash';
export { PipelineSpecUsageError } from './lib/pipeline-spec-errors';
