import { zodViolations } from '@sluice/contracts';
import { ScheduleTiming } from './schedule-spec';

const problems = (value: unknown) => {
  const r = ScheduleTiming.safeParse(value);
  return r.success ? [] : zodViolations(r.error);
};

describe('ScheduleTiming', () => {
  it('accepts a valid schedule and defaults the zone to UTC and missed runs to skip', () => {
    expect(ScheduleTiming.parse({ cron: '0 3 * * 1-5' })).toEqual({ cron: '0 3 * * 1-5', timezone: 'UTC', missedRuns: 'skip' });
  });

  it.each([
    [{ cron: 'every day' }, 'cron', /invalid cron/],
    [{ cron: '61 * * * *' }, 'cron', /invalid cron/],
    [{ cron: '0 0 30 2 *' }, 'cron', /never fires/],
    [{ cron: '0 0 * * *', timezone: 'Mars/Olympus' }, 'timezone', /unknown time zone/],
    [{ cron: '0 0 * * *', startDate: '2023-02-29' }, 'startDate', /not a date that exists/],
    [{ cron: '0 0 * * *', startDate: '2026-05-02', endDate: '2026-05-01' }, 'endDate', /ends before it starts/],
    [{ cron: '0 0 * * *', missedRuns: 'all' }, 'missedRuns', /./],
    [{ cron: '0 0 * * *', extra: 1 }, '(body)', /Unrecognized key/],
  ])('refuses %j naming %s', (value, path, message) => {
    const [problem] = problems(value);
    expect(problem.path).toBe(path);
    expect(problem.message).toMatch(message);
  });

  it('accepts 29 February in a leap year', () => {
    expect(problems({ cron: '0 0 * * *', startDate: '2024-02-29' })).toEqual([]);
  });
});
