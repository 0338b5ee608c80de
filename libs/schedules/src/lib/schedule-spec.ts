import { Cron } from 'croner';
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

/** How often a schedule fires, where, and between which dates (both in the schedule's zone). */
export const ScheduleTiming = z
  .strictObject({
    cron: z.string().min(1).max(200),
    timezone: z.string().max(64).default('UTC'),
    startDate: calendarDate.optional(),
    endDate: calendarDate.optional(),
    missedRuns: z.enum(['skip', 'run-once']).default('skip'),
  })
  .superRefine((timing, ctx) => {
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
    // "0 0 30 2 *" parses but never fires: refuse it rather than store a schedule that does nothing
    if (!cron.nextRun(new Date('2000-01-01T00:00:00Z'))) {
      ctx.addIssue({ code: 'custom', path: ['cron'], message: 'never fires (an impossible date?)' });
    }
  });
export type ScheduleTiming = z.infer<typeof ScheduleTiming>;
