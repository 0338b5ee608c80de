import { SluiceError, type KeysetPosition } from '@sluice/contracts';
import { Prisma, type PrismaClient } from '@sluice/database';
import type { ScheduleColumns, ScheduleRow } from './schedule-row';

/** What one firing writes: which time fired (if any) and the next time to look again. */
export interface FiringRecord {
  readonly id: string;
  /** `updated_at` as read: an edit made meanwhile wins over this write */
  readonly seenUpdatedAt: Date;
  /** fencing token of the leader lock this write is made under */
  readonly fence: number;
  readonly firedAt: Date | undefined;
  readonly nextFireAt: Date | null;
}

const isUniqueViolation = (error: unknown) => error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';

const nameTaken = (name: string) => new SluiceError('ALREADY_EXISTS', `a schedule named "${name}" already exists`, [{ path: 'name', message: 'is taken' }]);

/** Schedule rows in `scheduler.schedules`. Every query of a caller is scoped by tenant. */
export class ScheduleRepository {
  constructor(private readonly prisma: PrismaClient) {}

  async create(tenantId: string, columns: ScheduleColumns, nextFireAt: Date | null): Promise<ScheduleRow> {
    try {
      return await this.prisma.schedule.create({ data: { tenantId, ...columns, nextFireAt } });
    } catch (error) {
      if (isUniqueViolation(error)) throw nameTaken(columns.name);
      throw error;
    }
  }

  find(tenantId: string, id: string): Promise<ScheduleRow | null> {
    return this.prisma.schedule.findFirst({ where: { id, tenantId } });
  }

  /** Newest first; `after` is the last schedule of the previous page. */
  list(tenantId: string, limit: number, after: KeysetPosition | undefined): Promise<ScheduleRow[]> {
    return this.prisma.schedule.findMany({
      where: {
        tenantId,
        ...(after ? { OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }] } : {}),
      },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: limit,
    });
  }

  /** Changes a schedule of the tenant; null if there is none. */
  async update(tenantId: string, id: string, data: Partial<ScheduleColumns> & { paused?: boolean; nextFireAt?: Date | null }): Promise<ScheduleRow | null> {
    try {
      const { count } = await this.prisma.schedule.updateMany({ where: { id, tenantId }, data });
      return count === 1 ? await this.find(tenantId, id) : null;
    } catch (error) {
      if (isUniqueViolation(error) && data.name !== undefined) throw nameTaken(data.name);
      throw error;
    }
  }

  async delete(tenantId: string, id: string): Promise<boolean> {
    const { count } = await this.prisma.schedule.deleteMany({ where: { id, tenantId } });
    return count === 1;
  }

  /** Schedules of every tenant that are not paused and due at `now`, the most overdue first. */
  findDue(now: Date, limit: number): Promise<ScheduleRow[]> {
    return this.prisma.schedule.findMany({
      where: { paused: false, nextFireAt: { lte: now } },
      orderBy: { nextFireAt: 'asc' },
      take: limit,
    });
  }

  /**
   * Writes a firing only if no newer leader has written this schedule (its stored fence is not
   * larger than ours) and nobody edited it since it was read. `updated_at` is kept as it was: it
   * tells when the schedule was last edited, not fired. Returns whether the write was taken.
   */
  async recordFiring(record: FiringRecord): Promise<boolean> {
    const fence = BigInt(record.fence);
    const { count } = await this.prisma.schedule.updateMany({
      where: {
        id: record.id,
        updatedAt: record.seenUpdatedAt,
        OR: [{ leaderFence: null }, { leaderFence: { lte: fence } }],
      },
      data: {
        ...(record.firedAt ? { lastFiredAt: record.firedAt } : {}),
        nextFireAt: record.nextFireAt,
        leaderFence: fence,
        updatedAt: record.seenUpdatedAt,
      },
    });
    return count === 1;
  }
}
