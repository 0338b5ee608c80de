import { schedulerV1, toOptionalTimestamp, toTimestamp } from '@sluice/contracts';
import type { TaskRow } from '@sluice/tasks';

/** A task row as the gRPC message. */
export function toTaskMessage(row: TaskRow): schedulerV1.Task {
  return {
    id: row.id,
    kind: row.kind,
    status: `TASK_STATUS_${row.status}` as schedulerV1.TaskStatus,
    progress: { done: row.progressDone, failed: row.progressFailed, queued: row.progressQueued },
    createdBy: row.createdBy ?? '',
    createdAt: toTimestamp(row.createdAt),
    startedAt: toOptionalTimestamp(row.startedAt),
    finishedAt: toOptionalTimestamp(row.finishedAt),
    error: row.error ?? '',
  };
}
