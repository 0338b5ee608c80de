import type { Prisma } from '@sluice/database';
import { ScheduleDefinition, type ScheduleTiming } from '@sluice/schedules';

export type ScheduleRow = Prisma.ScheduleModel;

/** The columns a schedule definition is stored in. */
export interface ScheduleColumns {
  name: string;
  cron: string;
  timezone: string;
  startDate: string | null;
  endDate: string | null;
  missedRuns: string;
  target: Prisma.InputJsonObject;
}

export function toColumns(definition: ScheduleDefinition): ScheduleColumns {
  return {
    name: definition.name,
    cron: definition.cron,
    timezone: definition.timezone,
    startDate: definition.startDate ?? null,
    endDate: definition.endDate ?? null,
    missedRuns: definition.missedRuns,
    target: definition.target as Prisma.InputJsonObject,
  };
}

/**
 * A stored row as a definition. Rows were validated when written; parsing again keeps a row
 * edited by hand from reaching the cron maths unchecked.
 */
export function toDefinition(row: ScheduleRow): ScheduleDefinition {
  return ScheduleDefinition.parse({
    name: row.name,
    cron: row.cron,
    timezone: row.timezone,
    ...(row.startDate ? { startDate: row.startDate } : {}),
    ...(row.endDate ? { endDate: row.endDate } : {}),
    missedRuns: row.missedRuns,
    target: row.target,
  });
}

export function toTiming(definition: ScheduleDefinition): ScheduleTiming {
  const { cron, timezone, startDate, endDate, missedRuns } = definition;
  return { cron, timezone, missedRuns, ...(startDate ? { startDate } : {}), ...(endDate ? { endDate } : {}) };
}
