/** JetStream subjects, in one place. Streams are provisioned by @sluice/messaging. */
export const SUBJECTS = {
  scrapeJob: 'jobs.scrape',
  pipelineJob: (kind: 'ingest' | 'dq' | 'transform') => `jobs.pipeline.${kind}`,
  taskEvent: (taskId: string, event: TaskEventType) => `events.task.${taskId}.${event}`,
  allTaskEvents: 'events.task.>',
  cacheInvalidated: 'events.cache.invalidated',
} as const;

export const TASK_EVENT_TYPES = ['started', 'progress', 'succeeded', 'failed'] as const;
export type TaskEventType = (typeof TASK_EVENT_TYPES)[number];
