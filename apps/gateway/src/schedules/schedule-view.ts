import { schedulerV1, timestampToIso } from '@sluice/contracts';

/** The public shape of a schedule (API.md, Schedules); times are RFC 3339 UTC. */
export interface ScheduleView {
  id: string;
  name: string;
  cron: string;
  timezone: string;
  startDate: string | null;
  endDate: string | null;
  missedRuns: string;
  target: Record<string, unknown>;
  paused: boolean;
  lastFiredAt: string | null;
  nextFireAt: string | null;
  createdAt: string | undefined;
  updatedAt: string | undefined;
}

export function toScheduleView(schedule: schedulerV1.Schedule): ScheduleView {
  return {
    id: schedule.id,
    name: schedule.name,
    cron: schedule.cron,
    timezone: schedule.timezone,
    startDate: schedule.startDate || null,
    endDate: schedule.endDate || null,
    missedRuns: schedule.missedRuns,
    target: (schedule.target ?? {}) as Record<string, unknown>,
    paused: schedule.paused,
    lastFiredAt: timestampToIso(schedule.lastFiredAt) ?? null,
    nextFireAt: timestampToIso(schedule.nextFireAt) ?? null,
    createdAt: timestampToIso(schedule.createdAt),
    updatedAt: timestampToIso(schedule.updatedAt),
  };
}

/** A PATCH body as the update request: only the fields given; a removed date travels as "". */
export function toUpdateRequest(id: string, body: {
  name?: string;
  cron?: string;
  timezone?: string;
  startDate?: string | null;
  endDate?: string | null;
  missedRuns?: string;
  target?: Record<string, unknown>;
}): schedulerV1.UpdateScheduleRequest {
  return {
    id,
    ...(body.name !== undefined ? { name: body.name } : {}),
    ...(body.cron !== undefined ? { cron: body.cron } : {}),
    ...(body.timezone !== undefined ? { timezone: body.timezone } : {}),
    ...(body.startDate !== undefined ? { startDate: body.startDate ?? '' } : {}),
    ...(body.endDate !== undefined ? { endDate: body.endDate ?? '' } : {}),
    ...(body.missedRuns !== undefined ? { missedRuns: body.missedRuns } : {}),
    target: body.target,
  };
}
