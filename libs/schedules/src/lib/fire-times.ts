import { Cron } from 'croner';
import type { ScheduleTiming } from './schedule-spec';

/** Fire times older than this at the moment they are seen count as missed (the scheduler was down). */
export const MISSED_AFTER_MS = 60_000;

const MAX_SCAN = 10_000;

function cronFor(timing: Pick<ScheduleTiming, 'cron' | 'timezone'>): Cron {
  return new Cron(timing.cron, { timezone: timing.timezone, paused: true });
}

// No zone is more than 14 hours ahead of UTC: from this instant on, every fire time on or after
// the start date's local midnight is seen, and the few earlier ones are filtered out.
const MAX_ZONE_OFFSET_MS = 15 * 3600_000;
const scanStartFor = (startDate: string) => new Date(Date.parse(`${startDate}T00:00:00Z`) - MAX_ZONE_OFFSET_MS);

const localDate = (at: Date, zone: string) => new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);

function withinRange(at: Date, timing: Pick<ScheduleTiming, 'timezone' | 'startDate' | 'endDate'>): 'before' | 'inside' | 'after' {
  const day = localDate(at, timing.timezone);
  if (timing.startDate && day < timing.startDate) return 'before';
  if (timing.endDate && day > timing.endDate) return 'after';
  return 'inside';
}

/**
 * The next `count` fire times strictly after `from`, in order. DST is croner's: a local time
 * skipped by spring-forward fires at the next time that exists, a local time that occurs twice
 * in fall-back fires once, and schedules of every hour or finer keep their absolute rhythm.
 */
export function nextFireTimes(timing: Pick<ScheduleTiming, 'cron' | 'timezone' | 'startDate' | 'endDate'>, from: Date, count: number): Date[] {
  const cron = cronFor(timing);
  const out: Date[] = [];
  let cursor = timing.startDate && withinRange(from, timing) === 'before' ? new Date(Math.max(from.getTime(), scanStartFor(timing.startDate).getTime())) : from;
  for (let scanned = 0; out.length < count && scanned < MAX_SCAN; scanned++) {
    const next = cron.nextRun(cursor);
    if (!next) break;
    const place = withinRange(next, timing);
    if (place === 'after') break;
    if (place === 'inside') out.push(next);
    cursor = next;
  }
  return out;
}

export interface DueFire {
  /** The fire time to run now, if any: the message id is `schedule:<id>:<this instant>`. */
  readonly fireAt?: Date;
  /** Fire times that passed while nobody fired them and are not run (policy `skip`, or folded into one run). */
  readonly missed: number;
}

/**
 * What to fire at `now` for a schedule last fired at `lastFiredAt`. A fire time seen late by
 * less than MISSED_AFTER_MS is simply on time. After downtime, `skip` fires nothing for the
 * missed times and `run-once` fires one run for all of them — never a pile of late runs.
 */
export function dueFire(timing: ScheduleTiming, lastFiredAt: Date, now: Date): DueFire {
  const due: Date[] = [];
  let cursor = lastFiredAt;
  for (;;) {
    const [next] = nextFireTimes(timing, cursor, 1);
    if (!next || next > now) break;
    due.push(next);
    cursor = next;
    if (due.length > MAX_SCAN) break;
  }
  if (due.length === 0) return { missed: 0 };
  const latest = due[due.length - 1];
  const onTime = now.getTime() - latest.getTime() < MISSED_AFTER_MS;
  if (onTime) return { fireAt: latest, missed: due.length - 1 };
  if (timing.missedRuns === 'run-once') return { fireAt: latest, missed: due.length - 1 };
  return { missed: due.length };
}
