import type { PrismaClient, Task } from '@sluice/database';
import type { ScrapeJobRequest, TaskEventMessage } from '@sluice/contracts';
import { applyTaskEvent, statesLeadingTo, type TaskState } from './task-state';

export type TaskRow = Task;

/** Task rows in the scheduler schema. Every query is scoped by tenant. */
export class TaskRepository {
  constructor(private readonly prisma: PrismaClient) {}

  createQueued(tenantId: string, job: ScrapeJobRequest, createdBy: string | undefined): Promise<TaskRow> {
    return this.prisma.task.create({
      data: { tenantId, kind: 'scrape', status: 'QUEUED', payload: job, createdBy: createdBy ?? null },
    });
  }

  /**
   * Inserts a QUEUED task with the given id unless a task with that id exists (`ON CONFLICT DO
   * NOTHING`), so concurrent creators of one id make one row. Returns the row and whether this call made it.
   */
  async createQueuedOnce(id: string, tenantId: string, job: ScrapeJobRequest, createdBy: string | undefined): Promise<{ task: TaskRow; created: boolean }> {
    const { count } = await this.prisma.task.createMany({
      data: [{ id, tenantId, kind: 'scrape', status: 'QUEUED', payload: job, createdBy: createdBy ?? null }],
      skipDuplicates: true,
    });
    const task = await this.prisma.task.findFirst({ where: { id, tenantId } });
    if (!task) throw new Error(`task ${id} exists for another tenant`);
    return { task, created: count === 1 };
  }

  find(tenantId: string, id: string): Promise<TaskRow | null> {
    return this.prisma.task.findFirst({ where: { id, tenantId } });
  }

  /** Moves a task to FAILED unless it already ended; used when its job could not be enqueued. */
  async markFailed(id: string, error: string): Promise<void> {
    await this.prisma.task.updateMany({
      where: { id, status: { in: statesLeadingTo('FAILED') } },
      data: { status: 'FAILED', error, finishedAt: new Date() },
    });
  }

  /**
   * Applies a worker's event with a conditional update, so concurrent or redelivered events can
   * never make an illegal transition. Returns whether anything changed.
   */
  async applyEvent(event: TaskEventMessage): Promise<boolean> {
    const row = await this.prisma.task.findFirst({ where: { id: event.taskId, tenantId: event.tenantId } });
    if (!row) return false;
    const current = row.status as TaskState;
    const outcome = applyTaskEvent(current, event.type);
    if (!outcome.changed && !outcome.progress) return false;
    const at = new Date(event.at);
    const result = await this.prisma.task.updateMany({
      where: { id: row.id, status: current },
      data: {
        status: outcome.next,
        ...(event.progress && outcome.progress
          ? { progressDone: event.progress.done, progressFailed: event.progress.failed, progressQueued: event.progress.queued }
          : {}),
        ...(outcome.changed && outcome.next === 'RUNNING' ? { startedAt: row.startedAt ?? at } : {}),
        ...(outcome.changed && outcome.next !== 'RUNNING' ? { finishedAt: at } : {}),
        ...(event.error && outcome.next === 'FAILED' ? { error: event.error } : {}),
      },
    });
    return result.count === 1;
  }
}
