import { Inject, Injectable } from '@nestjs/common';
import { SUBJECTS, type TaskEventMessage, type TaskEventType } from '@sluice/contracts';
import type { FrontierCounts } from '@sluice/crawl-engine';
import { EventPublisher, PUBLISHER } from '@sluice/runtime';

const MAX_ERROR_LENGTH = 2_000;

type Task = { readonly taskId: string; readonly tenantId: string };

/** Publishes a task's events on `events.task.<id>.<type>`, each with a message id that makes a repeat harmless. */
@Injectable()
export class TaskEventEmitter {
  constructor(@Inject(PUBLISHER) private readonly events: EventPublisher) {}

  started(task: Task) {
    return this.emit(task, 'started', {}, 'started');
  }

  progress(task: Task, counts: FrontierCounts) {
    const progress = { done: counts.done, failed: counts.failed, queued: counts.queued };
    return this.emit(task, 'progress', { progress }, `progress:${progress.done}:${progress.failed}:${progress.queued}`);
  }

  succeeded(task: Task, counts: FrontierCounts) {
    return this.emit(task, 'succeeded', { progress: { done: counts.done, failed: counts.failed, queued: counts.queued } }, 'succeeded');
  }

  failed(task: Task, error: string) {
    const text = error.length > MAX_ERROR_LENGTH ? `${error.slice(0, MAX_ERROR_LENGTH - 1)}…` : error;
    return this.emit(task, 'failed', { error: text }, 'failed');
  }

  private emit(task: Task, type: TaskEventType, extra: Partial<TaskEventMessage>, idSuffix: string) {
    const event: TaskEventMessage = { taskId: task.taskId, tenantId: task.tenantId, type, at: new Date().toISOString(), ...extra };
    return this.events.publish(SUBJECTS.taskEvent(task.taskId, type), event, { msgId: `${task.taskId}:${idSuffix}` });
  }
}
