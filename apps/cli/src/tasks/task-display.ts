import type { OutputStream } from '../cli-context';
import type { StreamEvent } from '../events/event-stream';
import { formatClock } from '../terminal/duration-format';
import { LiveBlock } from '../terminal/live-block';
import { printable } from '../terminal/printable';
import type { TaskProgress } from './task-progress';

/** Shows a task as it progresses: one line redrawn on a terminal, one line per event otherwise. */
export interface TaskDisplay {
  update(task: TaskProgress, event?: StreamEvent): void;
  finish(task: TaskProgress): void;
}

export function taskDisplayFor(out: OutputStream, now: () => number): TaskDisplay {
  return out.isTTY ? new LiveTaskDisplay(out) : new LogTaskDisplay(out, now);
}

export function formatTaskLine(task: TaskProgress): string {
  const { done, failed, queued } = task.progress;
  return `task ${printable(task.id, 64)}  ${task.status}  done ${done}  failed ${failed}  queued ${queued}`;
}

export function formatTaskSummary(task: TaskProgress): string {
  const { done, failed } = task.progress;
  return `task ${printable(task.id, 64)} ${task.status}: ${done} done, ${failed} failed${task.error ? `: ${printable(task.error, 300)}` : ''}`;
}

export function formatTaskEventLine(event: StreamEvent, task: TaskProgress, receivedAt: number): string {
  const data = (event.data ?? {}) as { at?: unknown };
  const at = typeof data.at === 'string' && !Number.isNaN(Date.parse(data.at)) ? Date.parse(data.at) : receivedAt;
  const { done, failed, queued } = task.progress;
  return `${formatClock(at)} ${printable(event.type, 40)} ${task.status} done=${done} failed=${failed} queued=${queued}`;
}

class LiveTaskDisplay implements TaskDisplay {
  private readonly block: LiveBlock;

  constructor(private readonly out: OutputStream) {
    this.block = new LiveBlock(out);
  }

  update(task: TaskProgress): void {
    this.block.render([formatTaskLine(task)]);
  }

  finish(task: TaskProgress): void {
    this.update(task);
    this.out.write(`${formatTaskSummary(task)}\n`);
  }
}

class LogTaskDisplay implements TaskDisplay {
  constructor(
    private readonly out: OutputStream,
    private readonly now: () => number,
  ) {}

  update(task: TaskProgress, event?: StreamEvent): void {
    if (event) this.out.write(`${formatTaskEventLine(event, task, this.now())}\n`);
  }

  finish(task: TaskProgress): void {
    this.out.write(`${formatTaskSummary(task)}\n`);
  }
}
