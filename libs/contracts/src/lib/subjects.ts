/** JetStream subjects, in one place. Streams are provisioned by @sluice/messaging. */
export const SUBJECTS = {
  scrapeJob: 'jobs.scrape',
  pipelineJob: (kind: PipelineStepKind) => `jobs.pipeline.${kind}`,
  taskEvent: (taskId: string, event: TaskEventType) => `events.task.${taskId}.${event}`,
  allTaskEvents: 'events.task.>',
  /** every event of one task (what its SSE stream follows) */
  taskEvents: (taskId: string) => `events.task.${taskId}.>`,
  stepEvent: (runId: string, stepId: string, event: StepEventType) => `events.step.${runId}.${stepId}.${event}`,
  allStepEvents: 'events.step.>',
  runEvent: (runId: string, event: RunEventType) => `events.run.${runId}.${event}`,
  allRunEvents: 'events.run.>',
  /** every event of one run (what its SSE stream follows) */
  runEvents: (runId: string) => `events.run.${runId}.>`,
  cacheInvalidated: 'events.cache.invalidated',
} as const;

/** `cancelled` is published by the scheduler when a task is cancelled; the others by the worker. */
export const TASK_EVENT_TYPES = ['started', 'progress', 'succeeded', 'failed', 'cancelled'] as const;
export type TaskEventType = (typeof TASK_EVENT_TYPES)[number];

export const PIPELINE_STEP_KINDS = ['ingest', 'dq', 'transform'] as const;
export type PipelineStepKind = (typeof PIPELINE_STEP_KINDS)[number];

export const STEP_EVENT_TYPES = ['started', 'succeeded', 'failed'] as const;
export type StepEventType = (typeof STEP_EVENT_TYPES)[number];

/** Published by the orchestrator on `events.run.<run>.<type>`; `step` carries one step's new state. */
export const RUN_EVENT_TYPES = ['queued', 'started', 'step', 'succeeded', 'failed', 'cancelled', 'interrupted', 'resumed'] as const;
export type RunEventType = (typeof RUN_EVENT_TYPES)[number];
