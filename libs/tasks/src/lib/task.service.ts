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
    await this.publish(caller, task, job);
    return task;
  }

  private async publish(caller: Caller, task: TaskRow, job: ScrapeJobRequest): Promise<void> {
    try {
      await this.jobs.publish(SUBJECTS.scrapeJob, { taskId: task.id, tenantId: caller.tenantId, job }, { msgId: task.id });
    } catch (error) {
      await this.tasks.markFailed(task.id, 'the job could not be queued');
      throw new UnavailableError(`job queue unavailable: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /**
   * The task of one firing, with an id derived from (schedule, fire time): created and published
   * once however often it is called. A repeat publishes again only while the task is still QUEUED
   * (the first caller may have died before publishing); the message id makes JetStream drop the copy.
   */
  async createScrapeTaskOnce(caller: Caller, taskId: string, job: ScrapeJobRequest): Promise<{ task: TaskRow; created: boolean }> {
    const { task, created } = await this.tasks.createQueuedOnce(taskId, caller.tenantId, job, caller.userId);
    if (task.status !== 'QUEUED') return { task, created };
    await this.publish(caller, task, job);
    return { task, created };
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
