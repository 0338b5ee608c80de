import type { ApiClient } from '../api/api-client';
import type { CliContext } from '../cli-context';
import { watchEventStream } from '../events/event-stream';
import { taskDisplayFor } from './task-display';
import { applyTaskEvent, isFinalTaskStatus, taskProgressFromView, type TaskProgress } from './task-progress';

/** Shows a task's progress until it reaches a final status (from `GET /v1/tasks/{id}`, then its event stream). */
export async function watchTask(client: ApiClient, context: CliContext, taskId: string): Promise<TaskProgress> {
  const path = `/v1/tasks/${encodeURIComponent(taskId)}`;
  let task = taskProgressFromView((await client.json('GET', path)).body);
  const display = taskDisplayFor(context.stdout, context.now);
  display.update(task);
  if (!isFinalTaskStatus(task.status)) {
    await watchEventStream({
      open: (lastEventId, signal) => client.stream(`${path}/events`, lastEventId ? { 'last-event-id': lastEventId } : {}, signal),
      onEvent: (event) => {
        task = applyTaskEvent(task, event);
        display.update(task, event);
        return isFinalTaskStatus(task.status);
      },
      ...(context.streamTiming ? { timing: context.streamTiming } : {}),
    });
  }
  display.finish(task);
  return task;
}
