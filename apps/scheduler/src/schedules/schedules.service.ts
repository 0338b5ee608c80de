import { createdAtCursor, InvalidArgumentError, NotFoundError, parseOrThrow } from '@sluice/contracts';
import { applySchedulePatch, nextFireTimes, ScheduleDefinition, SchedulePatch } from '@sluice/schedules';
import type { Caller } from '@sluice/tasks';
import type { PipelineRunStarter } from './pipeline-run-starter';
import type { ScheduleRepository } from './schedule.repository';
import { toColumns, toDefinition, toTiming, type ScheduleRow } from './schedule-row';

export const MAX_NEXT_FIRE_TIMES = 100;
const TIMING_KEYS = ['cron', 'timezone', 'startDate', 'endDate'] as const;

const firstFireAfter = (definition: ScheduleDefinition, now: Date): Date | null => nextFireTimes(toTiming(definition), now, 1)[0] ?? null;

/** Schedules of one tenant: create, read, change, pause; the leader fires them (ScheduleFirer). */
export class SchedulesService {
  constructor(
    private readonly schedules: ScheduleRepository,
    private readonly pipelines: Pick<PipelineRunStarter, 'hasPipeline'>,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async create(caller: Caller, input: unknown): Promise<ScheduleRow> {
    const definition = parseOrThrow(ScheduleDefinition, input);
    await this.requireTargetPipeline(caller, definition);
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
    if (patch.target) await this.requireTargetPipeline(caller, next);
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

  /**
   * A pipeline target must name one of the tenant's pipelines when the schedule is written, so a
   * typo is a 400 now rather than a warning at every firing. (A pipeline that goes away later is
   * skipped at firing time.) Checking needs the orchestrator: while it is down, this is a 503.
   */
  private async requireTargetPipeline(caller: Caller, definition: ScheduleDefinition): Promise<void> {
    if (definition.target.kind !== 'pipeline') return;
    if (await this.pipelines.hasPipeline(caller, definition.target.pipeline)) return;
    throw new InvalidArgumentError('invalid request', [{ path: 'target.pipeline', message: `no pipeline named "${definition.target.pipeline}" in this organization` }]);
  }

  private found(row: ScheduleRow | null): ScheduleRow {
    if (!row) throw new NotFoundError('schedule');
    return row;
  }
}
