import { SluiceError, type ErrorCode } from '@sluice/contracts';
import { dueFire, nextFireTimes, scheduledRunId, scheduledTaskId, type ScheduleTarget } from '@sluice/schedules';
import type { TaskService } from '@sluice/tasks';
import type { Logger } from '@sluice/telemetry';
import type { PipelineRunStarter } from './pipeline-run-starter';
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
 * Answers of the orchestrator that trying again cannot change (another run is active, no such
 * pipeline, a request it refuses): the fire time is used up. Anything else (UNAVAILABLE above all)
 * leaves the firing unrecorded, so the next tick tries the same time again.
 */
const FINAL_REFUSALS: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['ALREADY_EXISTS', 'NOT_FOUND', 'INVALID_ARGUMENT', 'FAILED_PRECONDITION']);

/** What firing one time did: started the target, or the target refused and the time is used up. */
type TargetOutcome = 'fired' | 'refused-by-target';

/**
 * Fires due schedules: a scrape target as a task, a pipeline target as a run started at the
 * orchestrator. Safe to run on two replicas at once (around a leader change): the task or run id
 * comes from (schedule, fire time), so a second fire of a time creates nothing new (the task
 * insert and its publish are no-ops, the orchestrator answers with the run the first fire
 * started), and the firing state is written only under a fence at least as new as the last one
 * stored.
 */
export class ScheduleFirer {
  constructor(
    private readonly schedules: ScheduleRepository,
    private readonly tasks: TaskService,
    private readonly pipelineRuns: PipelineRunStarter,
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

  /**
   * Fires what is due of one schedule, then records it under the lease's fence. A fire time whose
   * target refused for good (a pipeline run already active, no such pipeline) is recorded too, and
   * counts as skipped; one that failed otherwise throws before anything is recorded.
   */
  async fireOne(row: ScheduleRow, lease: LeaderLease, now: Date): Promise<FireOutcome> {
    const definition = toDefinition(row);
    const timing = toTiming(definition);
    const due = dueFire(timing, evaluatedUntil(row), now);
    let fired: TargetOutcome | undefined;
    if (due.fireAt) {
      lease.signal.throwIfAborted();
      fired = await this.fireTarget(row, definition.target, due.fireAt, { missed: due.missed, fence: lease.fence });
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
    return fired === 'fired' ? 'fired' : 'skipped';
  }

  private async fireTarget(row: ScheduleRow, target: ScheduleTarget, fireAt: Date, context: { missed: number; fence: number }): Promise<TargetOutcome> {
    const caller = { tenantId: row.tenantId, userId: `schedule:${row.id}` };
    const fields = { scheduleId: row.id, fireAt: fireAt.toISOString(), ...context };
    if (target.kind === 'scrape') {
      const taskId = scheduledTaskId(row.id, fireAt);
      const { created } = await this.tasks.createScrapeTaskOnce(caller, taskId, target.job);
      this.logger.info({ ...fields, taskId, created }, 'schedule fired');
      return 'fired';
    }
    const runId = scheduledRunId(row.id, fireAt);
    try {
      const run = await this.pipelineRuns.startRun(caller, { pipeline: target.pipeline, params: target.params, runId });
      this.logger.info({ ...fields, pipeline: target.pipeline, runId: run.runId, status: run.status }, 'schedule fired');
      return 'fired';
    } catch (error) {
      if (!(error instanceof SluiceError) || !FINAL_REFUSALS.has(error.code)) throw error;
      // an active run is the normal case of a schedule faster than its pipeline; the others need a person
      const level = error.code === 'ALREADY_EXISTS' ? 'info' : 'warn';
      this.logger[level]({ ...fields, pipeline: target.pipeline, runId, code: error.code, detail: error.message }, `schedule fire time skipped: ${refusalReason(error.code)}`);
      return 'refused-by-target';
    }
  }
}

function refusalReason(code: ErrorCode): string {
  if (code === 'ALREADY_EXISTS') return 'another run of the pipeline is active';
  if (code === 'NOT_FOUND') return 'the pipeline does not exist';
  return 'the orchestrator refused the run';
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
