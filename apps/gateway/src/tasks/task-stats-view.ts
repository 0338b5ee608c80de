import { schedulerV1 } from '@sluice/contracts';
import { TASK_STATUSES, type TaskState } from '@sluice/tasks';

/** `GET /v1/tasks/stats`: every status (zero included) and every kind the tenant has tasks of. */
export interface TaskStatsView {
  total: number;
  byStatus: Record<TaskState, number>;
  byKind: Record<string, number>;
}

const STATUS_PREFIX = 'TASK_STATUS_';

export function toTaskStatsView(counts: readonly schedulerV1.TaskCount[]): TaskStatsView {
  const byStatus = Object.fromEntries(TASK_STATUSES.map((s) => [s, 0])) as Record<TaskState, number>;
  const byKind: Record<string, number> = {};
  let total = 0;
  for (const { kind, status, count } of counts) {
    const n = Number(count);
    const state = status.slice(STATUS_PREFIX.length) as TaskState;
    if (state in byStatus) byStatus[state] += n;
    byKind[kind] = (byKind[kind] ?? 0) + n;
    total += n;
  }
  return { total, byStatus, byKind };
}
