import { schedulerV1 } from '@sluice/contracts';
import { toTaskStatsView } from './task-stats-view';

const count = (kind: string, status: schedulerV1.TaskStatus, n: string): schedulerV1.TaskCount => ({ kind, status, count: n });

describe('task stats view', () => {
  it('sums the counts by status and by kind, listing every status', () => {
    expect(
      toTaskStatsView([
        count('scrape', schedulerV1.TaskStatus.TASK_STATUS_QUEUED, '3'),
        count('scrape', schedulerV1.TaskStatus.TASK_STATUS_FAILED, '1'),
        count('pipeline', schedulerV1.TaskStatus.TASK_STATUS_QUEUED, '2'),
      ]),
    ).toEqual({
      total: 6,
      byStatus: { QUEUED: 5, RUNNING: 0, SUCCEEDED: 0, FAILED: 1, CANCELLED: 0, INTERRUPTED: 0 },
      byKind: { scrape: 4, pipeline: 2 },
    });
  });

  it('shows zeros for a tenant without tasks', () => {
    expect(toTaskStatsView([])).toEqual({
      total: 0,
      byStatus: { QUEUED: 0, RUNNING: 0, SUCCEEDED: 0, FAILED: 0, CANCELLED: 0, INTERRUPTED: 0 },
      byKind: {},
    });
  });

  it('reads 64-bit counts sent as strings', () => {
    expect(toTaskStatsView([count('scrape', schedulerV1.TaskStatus.TASK_STATUS_SUCCEEDED, '4294967296')]).byStatus.SUCCEEDED).toBe(4294967296);
  });
});
