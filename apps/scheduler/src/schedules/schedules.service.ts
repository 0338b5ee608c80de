import { createdAtCursor, InvalidArgumentError, NotFoundError, parseOrThrow } from '@sluice/contracts';
import { applySchedulePatch, nextFireTimes, ScheduleDefinition, SchedulePatch } from '@sluice/schedules';
import type { Caller } from '@sluice/tasks';
import type { ScheduleRepository } from './schedule.repository';
import { toColumns, toDefinition, toTiming, type ScheduleRow } from './schedule-row';

export const MAX_NEXT_FIRE_TIMES = 100;
const TIMING_KEYS = ['cron', 'timezone', 'startDate', 'endDate'] as const;

/** Firing a pipeline needs the orchestrator's runs API, which does not exist yet: refuse such schedules up front. */
function refuseUnavailableTarget(definition: ScheduleDefinition): void {
  if (definition.target.kind === 'pipeline') {
    throw new InvalidArgumentError('invalid request', [{ path: 'target.kind', message: 'pipeline schedules are not available yet; use "scrape"' }]);
  }
}

const firstFireAfter = (definition: ScheduleDefinition, now: Date): Date | null => nextFireTimes(toTiming(definition), now, 1)[0] ?? null;

/** Schedules of one tenant: create, read, change, pause; the leader fires them (ScheduleFirer). */
export class SchedulesService {
  constructor(
    private readonly schedules: ScheduleRepository,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async create(caller: Caller, input: unknown): Promise<ScheduleRow> {
    const definition = parseOrThrow(ScheduleDefinition, input);
    refuseUnavailableTarget(definition);
    return this.schedules.create(caller.tenantId, toColumns(definition), firstFireAfter(definition, this.clock()));
  }

  async get(caller: Caller, id: string): Promise<ScheduleRow> {
    const row = await this.schedules.find(caller.tenantId, id);
    if (!row) throw new NotFoundError('schedule');
    return row;
  }

  async list(caller: Caller, limit: number, cursor: string): Promise<{ rows: ScheduleRow[]; nextCursor: string }> {
    const rows = await this.schedules.list(caller.tenantId, limit, createdAtCursor.decode(cursor));
    return { rows, nextCursor: createdAtCursor.next(rows, limit) ?? '' };
  }

  /** Applies a partial change; the next fire time is recomputed only when the timing changed. */
  async update(caller: Caller, id: string, input: unknown): Promise<ScheduleRow> {
    const patch = parseOrThrow(SchedulePatch, input);
    const row = await this.get(caller, id);
    const current = toDefinition(row);
    const next = applySchedulePatch(current, patch);
    refuseUnavailableTarget(next);
    const timingChanged = TIMING_KEYS.some((key) => current[key] !== next[key]);
    return this.found(
      await this.schedules.update(caller.tenantId, id, { ...toColumns(next), ...(timingChanged ? { nextFireAt: firstFireAfter(next, this.clock()) } : {}) }),
    );
  }

  async delete(caller: Caller, id: string): Promise<void> {
    if (!(await this.schedules.delete(caller.tenantId, id))) throw new NotFoundError('schedule');
  }

  async pause(caller: Caller, id: string): Promise<ScheduleRow> {
    return this.found(await this.schedules.update(caller.tenantId, id, { paused: true }));
  }

  /** Resumes from now on: the times that passed while paused are not fired. */
  async resume(caller: Caller, id: string): Promise<ScheduleRow> {
    const row = await this.get(caller, id);
    if (!row.paused) return row;
    return this.found(await this.schedules.update(caller.tenantId, id, { paused: false, nextFireAt: firstFireAfter(toDefinition(row), this.clock()) }));
  }

  async nextFireTimes(caller: Caller, id: string, count: number): Promise<{ row: ScheduleRow; times: Date[] }> {
    const row = await this.get(caller, id);
    return { row, times: nextFireTimes(toTiming(toDefinition(row)), this.clock(), count) };
  }

  private found(row: ScheduleRow | null): ScheduleRow {
    if (!row) throw new NotFoundError('schedule');
    return row;
  }
}
