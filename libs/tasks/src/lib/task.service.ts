import { createdAtCursor, NotFoundError, SUBJECTS, UnavailableError, type ScrapeJobMessage, type ScrapeJobRequest, type TaskEventMessage } from '@sluice/contracts';
import { TaskAlreadyEndedError } from './task-errors';
import { isTerminal, type TaskState } from './task-state';
import type { TaskCountRow, TaskFilter, TaskRepository, TaskRow } from './task.repository';

/** Publishes a job or a task event with a message id, so a retried publish is stored once. */
export interface JobPublisher {
  publish(subject: string, payload: ScrapeJobMessage | TaskEventMessage, options: { msgId: string }): Promise<unknown>;
}

export interface Caller {
  readonly tenantId: string;
  readonly userId?: string;
}

export class TaskService {
  constructor(
    private readonly tasks: TaskRepository,
    private readonly jobs: JobPublisher,
    private readonly clock: () => Date = () => new Date(),
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

  /** A page of the tenant's tasks, newest first, and the cursor of the next page ('' on the last). */
  async listTasks(caller: Caller, filter: TaskFilter, limit: number, cursor: string): Promise<{ rows: TaskRow[]; nextCursor: string }> {
    const rows = await this.tasks.list(caller.tenantId, filter, limit, createdAtCursor.decode(cursor));
    return { rows, nextCursor: createdAtCursor.next(rows, limit) ?? '' };
  }

  taskStats(caller: Caller): Promise<TaskCountRow[]> {
    return this.tasks.countByKindAndStatus(caller.tenantId);
  }

  /**
   * Cancels a task that has not ended. The `cancelled` event (message id `<task>:cancelled`) is
   * published first, so the worker always learns of a cancel the caller was told about: if the
   * publish fails nothing changed and the caller gets UNAVAILABLE; a repeat publishes nothing new.
   * Then the row moves to CANCELLED. A task that ended first answers FAILED_PRECONDITION naming
   * its status (a cancel event for an ended task is ignored by its worker and by applyEvent).
   */
  async cancelTask(caller: Caller, id: string): Promise<TaskRow> {
    const task = await this.getTask(caller, id);
    if (isTerminal(task.status as TaskState)) throw new TaskAlreadyEndedError(task.status);
    const at = this.clock();
    const event: TaskEventMessage = { taskId: id, tenantId: caller.tenantId, type: 'cancelled', at: at.toISOString() };
    try {
      await this.jobs.publish(SUBJECTS.taskEvent(id, 'cancelled'), event, { msgId: `${id}:cancelled` });
    } catch (error) {
      throw new UnavailableError(`event stream unavailable: ${error instanceof Error ? error.message : String(error)}`);
    }
    await this.tasks.cancel(caller.tenantId, id, at);
    const after = await this.getTask(caller, id);
    // CANCELLED also when the event, applied by the task-events worker, won the race with our update
    if (after.status !== 'CANCELLED') throw new TaskAlreadyEndedError(after.status);
    return after;
  }

  applyEvent(event: TaskEventMessage): Promise<boolean> {
    return this.tasks.applyEvent(event);
  }
}
