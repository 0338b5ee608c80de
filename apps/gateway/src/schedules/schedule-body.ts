import { z } from 'zod';

const date = z.string().max(10);

/**
 * The shape of a schedule body (API.md, Schedules). The rules — a cron that parses and fires, a
 * known zone, a date that exists, a range in order, a valid scrape job — are the scheduler's,
 * which answers with the offending field, so they are kept in one place.
 */
export const CreateScheduleBody = z.strictObject({
  name: z.string().max(200),
  cron: z.string().max(200),
  timezone: z.string().max(64).optional(),
  startDate: date.optional(),
  endDate: date.optional(),
  missedRuns: z.enum(['skip', 'run-once']).optional(),
  target: z.record(z.string(), z.unknown()),
});
export type CreateScheduleBody = z.infer<typeof CreateScheduleBody>;

/** `PATCH /v1/schedules/{id}`: any subset; `null` removes a date. */
export const UpdateScheduleBody = z.strictObject({
  name: z.string().max(200).optional(),
  cron: z.string().max(200).optional(),
  timezone: z.string().max(64).optional(),
  startDate: date.nullable().optional(),
  endDate: date.nullable().optional(),
  missedRuns: z.enum(['skip', 'run-once']).optional(),
  target: z.record(z.string(), z.unknown()).optional(),
});
export type UpdateScheduleBody = z.infer<typeof UpdateScheduleBody>;

export const NextQuery = z.strictObject({ count: z.coerce.number().int().min(1).max(100).default(5) });
