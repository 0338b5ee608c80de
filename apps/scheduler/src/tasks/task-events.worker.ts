import { Inject, Injectable } from '@nestjs/common';
import { SUBJECTS, TaskEventMessage } from '@sluice/contracts';
import { JetStreamWorker, type WorkerDefinition } from '@sluice/runtime';
import { TaskService } from '@sluice/tasks';

/** Keeps task state in step with the events workers publish. Applying an event twice is harmless. */
@Injectable()
export class TaskEventsWorker extends JetStreamWorker<TaskEventMessage> {
  protected readonly definition: WorkerDefinition<TaskEventMessage> = {
    durable: 'scheduler-task-events',
    stream: 'events',
    subject: SUBJECTS.allTaskEvents,
    schema: TaskEventMessage,
  };

  constructor(@Inject(TaskService) private readonly tasks: TaskService) {
    super();
  }

  protected async handle(event: TaskEventMessage): Promise<void> {
    await this.tasks.applyEvent(event);
  }
}
