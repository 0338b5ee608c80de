import { z } from 'zod';
import { TASK_EVENT_TYPES } from './subjects';

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
