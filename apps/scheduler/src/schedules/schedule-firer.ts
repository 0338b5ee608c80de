import type { Logger } from '@sluice/telemetry';
import { dueFire, nextFireTimes, scheduledTaskId } from '@sluice/schedules';
import type { TaskService } from '@sluice/tasks';
import type { FireOutcome, ScheduleMetrics } from './schedule-metrics';
import type { ScheduleRepository } from './schedule.repository';
import { toDefinition, toTiming, type ScheduleRow } from './schedule-row';

/** What the leader's lock gives every write it makes. */
export interface LeaderLease {
  readonly fence: number;
  readonly signal: AbortSignal;
}

/** Due schedules handled per tick; more wait for the next tick (a second later). */
export const FIRE_BATCH = 100;

/**
 * Fires due schedules as tasks. Safe to run on two replicas at once (around a leader change):
 * the task id comes from (schedule, fire time), so a second fire of a time inserts nothing and
 * publishes nothing new, and the firing state is written only under a fence at least as new as
 * the last one stored.
 */
export class ScheduleFirer {
  constructor(
    private readonly schedules: ScheduleRepository,
    private readonly tasks: TaskService,
    private readonly logger: Pick<Logger, 'info' | 'warn' | 'error'>,
    private readonly metrics?: ScheduleMetrics,
  ) {}

  /** One tick: stops between schedules as soon as the lease is lost. */
  async fireDue(lease: LeaderLease, now: Date = new Date()): Promise<Record<FireOutcome, number>> {
    const outcomes: Record<FireOutcome, number> = { fired: 0, skipped: 0, refused: 0, error: 0 };
    for (const row of await this.schedules.findDue(now, FIRE_BATCH)) {
      if (lease.signal.aborted) break;
      let outcome: FireOutcome;
      try {
        outcome = await this.fireOne(row, lease, now);
      } catch (error) {
        outcome = 'error';
        this.logger.error({ err: error, scheduleId: row.id }, 'schedule could not be fired; trying again next tick');
      }
      outcomes[outcome]++;
      this.metrics?.fires.inc({ outcome });
    }
    return outcomes;
  }

  /** Fires what is due of one schedule, then records it under the lease's fence. */
  async fireOne(row: ScheduleRow, lease: LeaderLease, now: Date): Promise<FireOutcome> {
    const definition = toDefinition(row);
    const timing = toTiming(definition);
    const due = dueFire(timing, evaluatedUntil(row), now);
    if (due.fireAt && definition.target.kind === 'scrape') {
      lease.signal.throwIfAborted();
      const taskId = scheduledTaskId(row.id, due.fireAt);
      const { created } = await this.tasks.createScrapeTaskOnce({ tenantId: row.tenantId, userId: `schedule:${row.id}` }, taskId, definition.target.job);
      this.logger.info({ scheduleId: row.id, fireAt: due.fireAt.toISOString(), taskId, created, missed: due.missed, fence: lease.fence }, 'schedule fired');
    } else if (due.missed > 0) {
      this.logger.warn({ scheduleId: row.id, missed: due.missed, missedRuns: timing.missedRuns }, 'schedule missed fire times while no leader ran; not firing them');
    }
    lease.signal.throwIfAborted();
    const written = await this.schedules.recordFiring({
      id: row.id,
      seenUpdatedAt: row.updatedAt,
      fence: lease.fence,
      firedAt: due.fireAt,
      nextFireAt: nextFireTimes(timing, now, 1)[0] ?? null,
    });
    if (!written) return 'refused';
    return due.fireAt ? 'fired' : 'skipped';
  }
}

/**
 * Where to look for due times from. Every time before `next_fire_at` was already fired or
 * deliberately not (skipped, paused, before creation), so starting there keeps the scan short
 * after a long pause, and counts as missed only the times nobody looked at.
 */
export function evaluatedUntil(row: Pick<ScheduleRow, 'lastFiredAt' | 'createdAt' | 'nextFireAt'>): Date {
  const base = (row.lastFiredAt ?? row.createdAt).getTime();
  const beforeNext = row.nextFireAt ? row.nextFireAt.getTime() - 1 : base;
  return new Date(Math.max(base, beforeNext));
}
