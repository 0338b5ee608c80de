import { z } from 'zod';
import { STEP_EVENT_TYPES, TASK_EVENT_TYPES } from './subjects';

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

/** The message on `jobs.pipeline.<kind>`: one step of one run. */
export const PipelineStepJobMessage = z.strictObject({
  runId: z.uuid(),
  stepId: z.string().regex(/^[a-z][a-z0-9_]{0,62}$/),
  tenantId: z.uuid(),
});
export type PipelineStepJobMessage = z.infer<typeof PipelineStepJobMessage>;

/** The message on `events.step.<run>.<step>.<type>`, published by the worker that ran the step. */
export const StepEventMessage = z.strictObject({
  runId: z.uuid(),
  stepId: z.string(),
  tenantId: z.uuid(),
  type: z.enum(STEP_EVENT_TYPES),
  at: z.iso.datetime(),
  rowsIn: z.int().nonnegative().optional(),
  rowsOut: z.int().nonnegative().optional(),
  error: z.string().max(2000).optional(),
});
export type StepEventMessage = z.infer<typeof StepEventMessage>;
