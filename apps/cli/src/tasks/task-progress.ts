import { z } from 'zod';
import type { StreamEvent } from '../events/event-stream';

/** INTERRUPTED is not final: the task is handed back and picked up again. */
const FINAL_TASK_STATUSES: ReadonlySet<string> = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);

export interface TaskCounts {
  readonly done: number;
  readonly failed: number;
  readonly queued: number;
}

export interface TaskProgress {
  readonly id: string;
  readonly kind?: string;
  readonly status: string;
  readonly progress: TaskCounts;
  readonly error?: string;
}

const count = z.number().int().nonnegative();
const Counts = z.looseObject({ done: count, failed: count, queued: count });
/** `GET /v1/tasks/{id}` (API.md), also accepted as an event carrying the whole task. */
const TaskView = z.looseObject({
  id: z.string(),
  kind: z.string().optional(),
  status: z.string(),
  progress: Counts.optional(),
  error: z.string().nullish(),
});
/** A task event: `started`, `progress`, `succeeded`, `failed`, `cancelled`. */
const TaskEvent = z.looseObject({
  status: z.string().optional(),
  progress: Counts.optional(),
  error: z.string().nullish(),
});

const EVENT_TYPE_STATUS: Readonly<Record<string, string>> = {
  started: 'RUNNING',
  progress: 'RUNNING',
  succeeded: 'SUCCEEDED',
  failed: 'FAILED',
  cancelled: 'CANCELLED',
  interrupted: 'INTERRUPTED',
};

export function isFinalTaskStatus(status: string): boolean {
  return FINAL_TASK_STATUSES.has(status);
}

export function taskProgressFromView(body: unknown): TaskProgress {
  const view = TaskView.parse(body);
  return {
    id: view.id,
    ...(view.kind !== undefined ? { kind: view.kind } : {}),
    status: view.status,
    progress: pickCounts(view.progress),
    ...(view.error ? { error: view.error } : {}),
  };
}

/** The task after one event of `GET /v1/tasks/{id}/events`; events it does not understand change nothing. */
export function applyTaskEvent(task: TaskProgress, event: StreamEvent): TaskProgress {
  const parsed = TaskEvent.safeParse(event.data);
  if (!parsed.success) return task;
  const { status, progress, error } = parsed.data;
  // a late progress event must not take a finished task back to RUNNING
  const fromType = isFinalTaskStatus(task.status) ? undefined : EVENT_TYPE_STATUS[event.type];
  return {
    ...task,
    status: status ?? fromType ?? task.status,
    progress: progress ? pickCounts(progress) : task.progress,
    ...(error ? { error } : {}),
  };
}

function pickCounts(counts: TaskCounts | undefined): TaskCounts {
  return counts ? { done: counts.done, failed: counts.failed, queued: counts.queued } : { done: 0, failed: 0, queued: 0 };
}
