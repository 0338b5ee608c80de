import { z } from 'zod';
import { RUN_EVENT_TYPES, STEP_EVENT_TYPES, TASK_EVENT_TYPES } from './subjects';

/** The message on `jobs.scrape`: which task to run. The task row holds the job body. */
export const ScrapeJobMessage = z.strictObject({
  taskId: z.uuid(),
  tenantId: z.uuid(),
  job: z.record(z.string(), z.unknown()),
});
export type ScrapeJobMessage = z.infer<typeof ScrapeJobMessage>;

/** The message on `events.task.<id>.<type>`, published by the worker that runs the task. */
export const TaskEventMessage = z.strictObject({
  taskId: z.uuid(),
  tenantId: z.uuid(),
  type: z.enum(TASK_EVENT_TYPES),
  at: z.iso.datetime(),
  progress: z.strictObject({ done: z.int().nonnegative(), failed: z.int().nonnegative(), queued: z.int().nonnegative() }).optional(),
  error: z.string().max(2000).optional(),
});
export type TaskEventMessage = z.infer<typeof TaskEventMessage>;

const StepIdentifier = z.string().regex(/^[a-z][a-z0-9_]{0,62}$/);

/** A table in a tenant's warehouse schema, as the orchestrator resolved it for a worker. */
export const WarehouseTable = z.strictObject({ schema: z.string().regex(/^t_[0-9a-f]{32}$/), table: z.string().min(1).max(63) });
export type WarehouseTable = z.infer<typeof WarehouseTable>;

/**
 * The message on `jobs.pipeline.<kind>`: one attempt of one step of one run. It carries everything
 * the worker needs, so workers never read the orchestrator's tables.
 */
export const PipelineStepJobMessage = z.strictObject({
  runId: z.uuid(),
  stepId: StepIdentifier,
  tenantId: z.uuid(),
  pipeline: z.string().min(1).max(63),
  version: z.int().positive(),
  /** 1 for the first dispatch, +1 for each retry by the orchestrator (not JetStream redeliveries) */
  attempt: z.int().positive(),
  /** the step's definition as validated by @sluice/pipeline-spec (parse it with its `Step` schema) */
  step: z.record(z.string(), z.unknown()),
  /** the tables of the steps this step reads, by step id (dq: its input; transform: its inputs) */
  tables: z.record(z.string(), WarehouseTable),
  params: z.record(z.string(), z.unknown()).optional(),
});
export type PipelineStepJobMessage = z.infer<typeof PipelineStepJobMessage>;

/** One data-quality check's outcome, as the dq worker reports it. */
export const CheckResult = z.strictObject({
  /** the check's name (sql checks) or `<type>:<column>` */
  name: z.string().max(200),
  type: z.string().max(50),
  column: z.string().max(63).optional(),
  severity: z.enum(['error', 'warn']),
  passed: z.boolean(),
  /** rows that break the check (for row_count / freshness / sql: 1 when it fails, else 0) */
  failingCount: z.int().nonnegative(),
  /** rows looked at (the sample size when sampling) */
  checkedCount: z.int().nonnegative(),
  /** the value compared (row_count's count, sql's result, freshness age in seconds), when there is one */
  observed: z.number().optional(),
  /** at most 5 offending rows */
  examples: z.array(z.record(z.string(), z.unknown())).max(5),
  error: z.string().max(2000).optional(),
});
export type CheckResult = z.infer<typeof CheckResult>;

/** The message on `events.step.<run>.<step>.<type>`, published by the worker that ran the step. */
export const StepEventMessage = z.strictObject({
  runId: z.uuid(),
  stepId: z.string(),
  tenantId: z.uuid(),
  type: z.enum(STEP_EVENT_TYPES),
  at: z.iso.datetime(),
  attempt: z.int().positive().optional(),
  rowsIn: z.int().nonnegative().optional(),
  rowsOut: z.int().nonnegative().optional(),
  error: z.string().max(2000).optional(),
  /** dq steps: every check's result (also when the step failed because an error check failed) */
  checks: z.array(CheckResult).max(200).optional(),
  /** what the step wrote (ingest: its staging table; transform: the target table and its new version) */
  output: WarehouseTable.extend({ version: z.int().positive().optional() }).optional(),
});
export type StepEventMessage = z.infer<typeof StepEventMessage>;

/** The message on `events.run.<run>.<type>`, published by the orchestrator (for SSE and the CLI). */
export const RunEventMessage = z.strictObject({
  runId: z.uuid(),
  tenantId: z.uuid(),
  pipeline: z.string(),
  type: z.enum(RUN_EVENT_TYPES),
  at: z.iso.datetime(),
  /** the run's status after this event */
  status: z.enum(['QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED', 'INTERRUPTED']),
  step: z
    .strictObject({
      id: z.string(),
      status: z.enum(['PENDING', 'QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'SKIPPED', 'CANCELLED']),
      attempt: z.int().nonnegative().optional(),
      rowsIn: z.int().nonnegative().optional(),
      rowsOut: z.int().nonnegative().optional(),
      error: z.string().max(2000).optional(),
    })
    .optional(),
  error: z.string().max(2000).optional(),
});
export type RunEventMessage = z.infer<typeof RunEventMessage>;
