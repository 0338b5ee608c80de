import { schedulerV1, toOptionalTimestamp, toTimestamp } from '@sluice/contracts';
import type { ScheduleRow } from './schedule-row';

/** A schedule row as the gRPC message. */
export function toScheduleMessage(row: ScheduleRow): schedulerV1.Schedule {
  return {
    id: row.id,
    name: row.name,
    cron: row.cron,
    timezone: row.timezone,
    startDate: row.startDate ?? '',
    endDate: row.endDate ?? '',
    missedRuns: row.missedRuns,
    target: row.target as Record<string, unknown>,
    paused: row.paused,
    lastFiredAt: toOptionalTimestamp(row.lastFiredAt),
    nextFireAt: toOptionalTimestamp(row.nextFireAt),
    createdAt: toTimestamp(row.createdAt),
    updatedAt: toTimestamp(row.updatedAt),
  };
}

/** The fields a create request sets, as the untrusted input of `ScheduleDefinition` (empty = not given). */
export function createRequestInput(request: schedulerV1.CreateScheduleRequest): Record<string, unknown> {
  return {
    name: request.name,
    cron: request.cron,
    ...(request.timezone ? { timezone: request.timezone } : {}),
    ...(request.startDate ? { startDate: request.startDate } : {}),
    ...(request.endDate ? { endDate: request.endDate } : {}),
    ...(request.missedRuns ? { missedRuns: request.missedRuns } : {}),
    target: request.target,
  };
}

/** The fields an update request sets, as the untrusted input of `SchedulePatch` (an empty date removes it). */
export function updateRequestInput(request: schedulerV1.UpdateScheduleRequest): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const key of ['name', 'cron', 'timezone', 'missedRuns'] as const) {
    if (request[key] !== undefined) input[key] = request[key];
  }
  for (const key of ['startDate', 'endDate'] as const) {
    if (request[key] !== undefined) input[key] = request[key] === '' ? null : request[key];
  }
  // the loader fills an unset message field with null
  if (request.target !== undefined && request.target !== null) input.target = request.target;
  return input;
}
