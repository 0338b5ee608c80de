import type { PrismaClient, Task } from '@sluice/database';
import type { KeysetPosition, ScrapeJobRequest, TaskEventMessage } from '@sluice/contracts';
import { applyTaskEvent, statesLeadingTo, type TaskState } from './task-state';

export type TaskRow = Task;

/** Which tasks a list shows; an absent field does not filter. */
export interface TaskFilter {
  readonly status?: TaskState;
  readonly kind?: string;
}

/** The number of a tenant's tasks of one kind in one status. */
export interface TaskCountRow {
  readonly kind: string;
  readonly status: TaskState;
  readonly count: number;
}

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

  /** Newest first; `after` is the last task of the previous page. */
  list(tenantId: string, filter: TaskFilter, limit: number, after: KeysetPosition | undefined): Promise<TaskRow[]> {
    return this.prisma.task.findMany({
      where: {
        tenantId,
        ...(filter.status ? { status: filter.status } : {}),
        ...(filter.kind ? { kind: filter.kind } : {}),
        ...(after ? { OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }] } : {}),
      },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: limit,
    });
  }

  /** The tenant's task counts by kind and status (pairs without tasks are absent). */
  async countByKindAndStatus(tenantId: string): Promise<TaskCountRow[]> {
    const groups = await this.prisma.task.groupBy({ by: ['kind', 'status'], where: { tenantId }, _count: { _all: true }, orderBy: [{ kind: 'asc' }, { status: 'asc' }] });
    return groups.map((g) => ({ kind: g.kind, status: g.status as TaskState, count: g._count._all }));
  }

  /**
   * Moves a task of the tenant to CANCELLED if it has not ended, in one conditional update (a
   * racing final event or cancel cannot make an illegal transition). Returns whether it moved.
   */
  async cancel(tenantId: string, id: string, at: Date): Promise<boolean> {
    const { count } = await this.prisma.task.updateMany({
      where: { id, tenantId, status: { in: statesLeadingTo('CANCELLED') } },
      data: { status: 'CANCELLED', finishedAt: at },
    });
    return count === 1;
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
