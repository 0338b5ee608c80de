import { Cron } from 'croner';
import { parseOrThrow, ScrapeJobRequest } from '@sluice/contracts';
import { z } from 'zod';

/** True for an IANA zone this runtime knows (e.g. `Europe/Berlin`, `UTC`). */
export function isKnownTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** A calendar date that exists: `2024-02-29` yes, `2023-02-29` no. */
const calendarDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'must be a date YYYY-MM-DD' })
  .refine(
    (value) => {
      const [y, m, d] = value.split('-').map(Number);
      const date = new Date(Date.UTC(y, m - 1, d));
      return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
    },
    { error: 'is not a date that exists' },
  );

const timingFields = {
  cron: z.string().min(1).max(200),
  timezone: z.string().max(64).default('UTC'),
  startDate: calendarDate.optional(),
  endDate: calendarDate.optional(),
  missedRuns: z.enum(['skip', 'run-once']).default('skip'),
};

type TimingFields = { cron: string; timezone: string; startDate?: string; endDate?: string };

/** The rules that need more than one field: a zone this runtime knows, a cron that parses and fires, a date range in order. */
function checkTiming(timing: TimingFields, ctx: z.RefinementCtx): void {
  if (!isKnownTimeZone(timing.timezone)) {
    ctx.addIssue({ code: 'custom', path: ['timezone'], message: `unknown time zone "${timing.timezone}"` });
    return;
  }
  let cron: Cron;
  try {
    cron = new Cron(timing.cron, { timezone: timing.timezone, paused: true });
  } catch (error) {
    ctx.addIssue({ code: 'custom', path: ['cron'], message: `invalid cron expression: ${error instanceof Error ? error.message : String(error)}` });
    return;
  }
  if (timing.startDate && timing.endDate && timing.endDate < timing.startDate) {
    ctx.addIssue({ code: 'custom', path: ['endDate'], message: 'ends before it starts' });
  }
  if (!cron.nextRun(new Date('2000-01-01T00:00:00Z'))) {
    ctx.addIssue({ code: 'custom', path: ['cron'], message: 'never fires (an impossible date?)' });
  }
}

/** How often a schedule fires, where, and between which dates (both in the schedule's zone). */
export const ScheduleTiming = z.strictObject(timingFields).superRefine(checkTiming);
export type ScheduleTiming = z.infer<typeof ScheduleTiming>;

const MAX_RUN_PARAMS_BYTES = 64 * 1024;

/** What a firing starts: a crawl (a task) or a run of one of the tenant's pipelines. */
export const ScheduleTarget = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('scrape'), job: ScrapeJobRequest }),
  z.strictObject({
    kind: z.literal('pipeline'),
    pipeline: z.string().regex(/^[a-z][a-z0-9_-]{0,62}$/, { error: 'must be a pipeline name' }),
    // the orchestrator's limit for run params: a schedule it would refuse at every firing is refused now
    params: z
      .record(z.string(), z.unknown())
      .refine((params) => JSON.stringify(params).length <= MAX_RUN_PARAMS_BYTES, { error: 'must be at most 64 KiB as JSON' })
      .optional(),
  }),
]);
export type ScheduleTarget = z.infer<typeof ScheduleTarget>;

const scheduleName = z.string().trim().min(1).max(200);

/** A whole schedule: the body of `POST /v1/schedules` and the state every update must leave behind. */
export const ScheduleDefinition = z
  .strictObject({ name: scheduleName, target: ScheduleTarget, ...timingFields })
  .superRefine(checkTiming);
export type ScheduleDefinition = z.infer<typeof ScheduleDefinition>;

/**
 * The body of `PATCH /v1/schedules/{id}`: any subset of the fields, `null` removes a date. Rules
 * across fields are checked on the merged result (`applySchedulePatch`).
 */
export const SchedulePatch = z.strictObject({
  name: scheduleName.optional(),
  target: ScheduleTarget.optional(),
  cron: timingFields.cron.optional(),
  timezone: z.string().max(64).optional(),
  startDate: calendarDate.nullable().optional(),
  endDate: calendarDate.nullable().optional(),
  missedRuns: timingFields.missedRuns.unwrap().optional(),
});
export type SchedulePatch = z.infer<typeof SchedulePatch>;

/** The schedule after a patch, validated as a whole (so `endDate` is checked against a stored `startDate`). */
export function applySchedulePatch(current: ScheduleDefinition, patch: SchedulePatch): ScheduleDefinition {
  const merged: Record<string, unknown> = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    if (value === null) delete merged[key];
    else merged[key] = value;
  }
  return parseOrThrow(ScheduleDefinition, merged);
}
