import { schedulerV1, toOptionalTimestamp, toTimestamp } from '@sluice/contracts';
import type { TaskCountRow, TaskRow } from '@sluice/tasks';

const toStatusMessage = (status: string) => `TASK_STATUS_${status}` as schedulerV1.TaskStatus;

/** A task row as the gRPC message. */
export function toTaskMessage(row: TaskRow): schedulerV1.Task {
  return {
    id: row.id,
    kind: row.kind,
    status: toStatusMessage(row.status),
    progress: { done: row.progressDone, failed: row.progressFailed, queued: row.progressQueued },
    createdBy: row.createdBy ?? '',
    createdAt: toTimestamp(row.createdAt),
    startedAt: toOptionalTimestamp(row.startedAt),
    finishedAt: toOptionalTimestamp(row.finishedAt),
    error: row.error ?? '',
  };
}

export function toTaskCountMessage(row: TaskCountRow): schedulerV1.TaskCount {
  return { kind: row.kind, status: toStatusMessage(row.status), count: String(row.count) };
}
