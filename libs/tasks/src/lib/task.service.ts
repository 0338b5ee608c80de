import { NotFoundError, SUBJECTS, UnavailableError, type ScrapeJobMessage, type ScrapeJobRequest, type TaskEventMessage } from '@sluice/contracts';
import type { TaskRepository, TaskRow } from './task.repository';

/** Publishes a job with a message id, so a retried publish is stored once. */
export interface JobPublisher {
  publish(subject: string, payload: ScrapeJobMessage, options: { msgId: string }): Promise<unknown>;
}

export interface Caller {
  readonly tenantId: string;
  readonly userId?: string;
}

export class TaskService {
  constructor(
    private readonly tasks: TaskRepository,
    private readonly jobs: JobPublisher,
  ) {}

  /**
   * Records the task as QUEUED, then publishes its job with `Nats-Msg-Id` = task id. If the job
   * cannot be published the task is marked FAILED (never left QUEUED with no job) and the caller
   * gets UNAVAILABLE.
   */
  async createScrapeTask(caller: Caller, job: ScrapeJobRequest): Promise<TaskRow> {
    const task = await this.tasks.createQueued(caller.tenantId, job, caller.userId);
    try {
      await this.jobs.publish(SUBJECTS.scrapeJob, { taskId: task.id, tenantId: caller.tenantId, job }, { msgId: task.id });
    } catch (error) {
      await this.tasks.markFailed(task.id, 'the job could not be queued');
      throw new UnavailableError(`job queue unavailable: ${error instanceof Error ? error.message : String(error)}`);
    }
    return task;
  }

  async getTask(caller: Caller, id: string): Promise<TaskRow> {
    const task = await this.tasks.find(caller.tenantId, id);
    if (!task) throw new NotFoundError('task');
    return task;
  }

  applyEvent(event: TaskEventMessage): Promise<boolean> {
    return this.tasks.applyEvent(event);
  }
}
