import { applyTaskEvent, isFinalTaskStatus, taskProgressFromView } from './task-progress';

const TASK = '6d1f0c3e-2b8a-4f57-a1d2-3c4b5a697881';

describe('task progress', () => {
  const view = { id: TASK, kind: 'scrape', status: 'QUEUED', progress: { done: 0, failed: 0, queued: 1 }, createdBy: 'u', createdAt: '2025-06-01T12:00:00Z' };

  it('reads GET /v1/tasks/{id}', () => {
    expect(taskProgressFromView(view)).toEqual({ id: TASK, kind: 'scrape', status: 'QUEUED', progress: { done: 0, failed: 0, queued: 1 } });
  });

  it('follows task events: status from the type, counts from progress, the error of a failure', () => {
    let task = taskProgressFromView(view);
    task = applyTaskEvent(task, { type: 'started', data: { taskId: TASK, type: 'started', at: '2025-06-01T12:00:01Z' } });
    expect(task.status).toBe('RUNNING');
    task = applyTaskEvent(task, { type: 'progress', data: { type: 'progress', progress: { done: 10, failed: 1, queued: 30 } } });
    expect(task.progress).toEqual({ done: 10, failed: 1, queued: 30 });
    task = applyTaskEvent(task, { type: 'failed', data: { type: 'failed', error: 'robots.txt disallows everything', progress: { done: 10, failed: 2, queued: 0 } } });
    expect(task).toMatchObject({ status: 'FAILED', error: 'robots.txt disallows everything', progress: { done: 10, failed: 2, queued: 0 } });
    expect(isFinalTaskStatus(task.status)).toBe(true);
  });

  it('prefers an explicit status (a snapshot of the task) over the event type', () => {
    const task = applyTaskEvent(taskProgressFromView(view), { type: 'state', data: { ...view, status: 'SUCCEEDED' } });
    expect(task.status).toBe('SUCCEEDED');
  });

  it('does not let a late progress event take a finished task back to RUNNING', () => {
    const done = applyTaskEvent(taskProgressFromView(view), { type: 'cancelled', data: {} });
    expect(applyTaskEvent(done, { type: 'progress', data: { progress: { done: 1, failed: 0, queued: 0 } } }).status).toBe('CANCELLED');
  });

  it('treats INTERRUPTED as not final', () => {
    expect(isFinalTaskStatus('INTERRUPTED')).toBe(false);
    expect(isFinalTaskStatus('SUCCEEDED')).toBe(true);
  });
});
