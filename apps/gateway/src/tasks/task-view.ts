import { schedulerV1, timestampToIso } from '@sluice/contracts';

/** The public shape of a task (API.md, Crawls and tasks). */
export interface TaskView {
  id: string;
  kind: string;
  status: string;
  progress: { done: number; failed: number; queued: number };
  createdBy: string | null;
  createdAt: string | undefined;
  startedAt?: string;
  finishedAt?: string;
  error?: string;
}

const STATUS_PREFIX = 'TASK_STATUS_';

export function toTaskView(task: schedulerV1.Task): TaskView {
  const startedAt = timestampToIso(task.startedAt);
  const finishedAt = timestampToIso(task.finishedAt);
  return {
    id: task.id,
    kind: task.kind,
    status: task.status.startsWith(STATUS_PREFIX) ? task.status.slice(STATUS_PREFIX.length) : task.status,
    progress: task.progress ?? { done: 0, failed: 0, queued: 0 },
    createdBy: task.createdBy || null,
    createdAt: timestampToIso(task.createdAt),
    ...(startedAt ? { startedAt } : {}),
    ...(finishedAt ? { finishedAt } : {}),
    ...(task.error ? { error: task.error } : {}),
  };
}
