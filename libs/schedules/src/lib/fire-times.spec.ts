import { dueFire, MISSED_AFTER_MS, nextFireTimes } from './fire-times';
import { ScheduleTiming } from './schedule-spec';

const iso = (dates: Date[]) => dates.map((d) => d.toISOString());
const timing = (t: Partial<ScheduleTiming> & { cron: string }) => ScheduleTiming.parse(t);

describe('nextFireTimes', () => {
  it('fires a daily local time in the schedule\'s zone', () => {
    expect(iso(nextFireTimes(timing({ cron: '30 9 * * *', timezone: 'America/New_York' }), new Date('2026-01-10T00:00:00Z'), 2))).toEqual([
      '2026-01-10T14:30:00.000Z',
      '2026-01-11T14:30:00.000Z',
    ]);
  });

  it('fires a local time skipped by spring-forward at the next time that exists', () => {
    // Berlin, 2026-03-29: 02:00 jumps to 03:00, so 02:30 does not exist that day
    expect(iso(nextFireTimes(timing({ cron: '30 2 * * *', timezone: 'Europe/Berlin' }), new Date('2026-03-28T12:00:00Z'), 3))).toEqual([
      '2026-03-29T01:00:00.000Z', // 03:00 CEST
      '2026-03-30T00:30:00.000Z', // 02:30 CEST
      '2026-03-31T00:30:00.000Z',
    ]);
  });

  it('fires a local time that occurs twice in fall-back only once', () => {
    // Berlin, 2026-10-25: 03:00 goes back to 02:00, so 02:30 happens twice
    const fires = iso(nextFireTimes(timing({ cron: '30 2 * * *', timezone: 'Europe/Berlin' }), new Date('2026-10-24T12:00:00Z'), 2));
    expect(fires).toEqual(['2026-10-25T00:30:00.000Z', '2026-10-26T01:30:00.000Z']);
  });

  it('keeps hourly schedules on their absolute rhythm through both transitions', () => {
    const fall = nextFireTimes(timing({ cron: '0 * * * *', timezone: 'Europe/Berlin' }), new Date('2026-10-24T23:30:00Z'), 4);
    expect(fall.slice(1).map((d, i) => d.getTime() - fall[i].getTime())).toEqual([3600_000, 3600_000, 3600_000]);
    const spring = nextFireTimes(timing({ cron: '*/15 * * * *', timezone: 'Europe/Berlin' }), new Date('2026-03-29T00:40:00Z'), 4);
    expect(spring.slice(1).map((d, i) => d.getTime() - spring[i].getTime())).toEqual([900_000, 900_000, 900_000]);
  });

  it('stays within the start and end dates, in the schedule\'s zone', () => {
    const t = timing({ cron: '0 12 * * *', timezone: 'Asia/Tokyo', startDate: '2026-05-01', endDate: '2026-05-03' });
    expect(iso(nextFireTimes(t, new Date('2026-01-01T00:00:00Z'), 10))).toEqual([
      '2026-05-01T03:00:00.000Z',
      '2026-05-02T03:00:00.000Z',
      '2026-05-03T03:00:00.000Z',
    ]);
  });
});

describe('dueFire', () => {
  const every5 = (missedRuns: 'skip' | 'run-once') => timing({ cron: '*/5 * * * *', missedRuns });

  it('fires the current time when the scheduler is on time (or a little late)', () => {
    expect(dueFire(every5('skip'), new Date('2026-01-01T10:00:00Z'), new Date('2026-01-01T10:05:02Z'))).toEqual({
      fireAt: new Date('2026-01-01T10:05:00Z'),
      missed: 0,
    });
    expect(dueFire(every5('skip'), new Date('2026-01-01T10:05:00Z'), new Date('2026-01-01T10:06:00Z'))).toEqual({ missed: 0 });
  });

  it('after downtime, skip fires nothing for the missed times', () => {
    const lastFired = new Date('2026-01-01T10:00:00Z');
    const now = new Date(new Date('2026-01-01T11:02:00Z').getTime());
    expect(dueFire(every5('skip'), lastFired, now)).toEqual({ missed: 12 });
  });

  it('after downtime, run-once fires one run for all of them', () => {
    expect(dueFire(every5('run-once'), new Date('2026-01-01T10:00:00Z'), new Date('2026-01-01T11:02:00Z'))).toEqual({
      fireAt: new Date('2026-01-01T11:00:00Z'),
      missed: 11,
    });
  });

  it('fires on time even after downtime when the latest time is fresh, counting the rest as missed', () => {
    const now = new Date(new Date('2026-01-01T11:00:00Z').getTime() + MISSED_AFTER_MS - 1);
    expect(dueFire(every5('skip'), new Date('2026-01-01T10:00:00Z'), now)).toEqual({ fireAt: new Date('2026-01-01T11:00:00Z'), missed: 11 });
  });
});
