import { BufferOutput } from '../testing';
import { taskDisplayFor } from './task-display';
import type { TaskProgress } from './task-progress';

const T0 = Date.parse('2025-06-01T12:00:00Z');
const task: TaskProgress = { id: 'task-1', status: 'RUNNING', progress: { done: 12, failed: 1, queued: 30 } };

describe('task display', () => {
  it('writes one line per event, then a summary, when the output is not a terminal', () => {
    const out = new BufferOutput(false);
    const display = taskDisplayFor(out, () => T0);
    display.update(task);
    display.update(task, { type: 'progress', data: { at: '2025-06-01T12:00:05Z' } });
    display.finish({ ...task, status: 'FAILED', error: 'cancelled by the\nuser' });
    expect(out.lines).toEqual(['2025-06-01T12:00:05Z progress RUNNING done=12 failed=1 queued=30', 'task task-1 FAILED: 12 done, 1 failed: cancelled by the user']);
  });

  it('keeps one line up to date on a terminal', () => {
    const out = new BufferOutput(true, 120);
    const display = taskDisplayFor(out, () => T0);
    display.update(task);
    display.update({ ...task, progress: { done: 13, failed: 1, queued: 29 } });
    expect(out.text).toBe('task task-1  RUNNING  done 12  failed 1  queued 30\n\u001b[1F\u001b[0Jtask task-1  RUNNING  done 13  failed 1  queued 29\n');
  });
});
