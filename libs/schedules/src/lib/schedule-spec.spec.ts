import { zodViolations } from '@sluice/contracts';
import { applySchedulePatch, ScheduleDefinition, SchedulePatch, ScheduleTiming } from './schedule-spec';

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

describe('ScheduleDefinition and applySchedulePatch', () => {
  const scrape = { kind: 'scrape', job: { startUrls: ['https://example.org/'] } };
  const base = () => ScheduleDefinition.parse({ name: 'nightly', cron: '0 3 * * *', timezone: 'Europe/Berlin', target: scrape });

  it('accepts a 6-field cron with seconds', () => {
    expect(ScheduleDefinition.safeParse({ name: 'fast', cron: '*/2 * * * * *', target: scrape }).success).toBe(true);
  });

  it('names the field of a bad scrape job inside the target', () => {
    const r = ScheduleDefinition.safeParse({ name: 'x', cron: '0 * * * *', target: { kind: 'scrape', job: { startUrls: ['ftp://x'] } } });
    expect(r.success ? [] : zodViolations(r.error).map((v) => v.path)).toEqual(['target.job.startUrls.0']);
  });

  it('accepts a pipeline target with params, and names a malformed pipeline name or oversized params', () => {
    const pipelineTarget = (target: Record<string, unknown>) => ScheduleDefinition.safeParse({ name: 'x', cron: '0 * * * *', target: { kind: 'pipeline', ...target } });
    expect(pipelineTarget({ pipeline: 'movies', params: { day: 'today' } }).success).toBe(true);
    const paths = (r: ReturnType<typeof pipelineTarget>) => (r.success ? [] : zodViolations(r.error).map((v) => v.path));
    expect(paths(pipelineTarget({ pipeline: 'Movies; drop' }))).toEqual(['target.pipeline']);
    expect(paths(pipelineTarget({ pipeline: 'movies', params: { blob: 'x'.repeat(64 * 1024) } }))).toEqual(['target.params']);
  });

  it('checks a patched end date against the stored start date', () => {
    const current = { ...base(), startDate: '2026-05-02' };
    expect(() => applySchedulePatch(current, { endDate: '2026-05-01' })).toThrow(
      expect.objectContaining({ violations: [expect.objectContaining({ path: 'endDate' })] }),
    );
  });

  it('removes a date patched to null and keeps the fields not in the patch', () => {
    const current = { ...base(), startDate: '2026-05-02' };
    const patched = applySchedulePatch(current, { startDate: null, cron: '0 4 * * *' });
    expect(patched).toEqual({ ...base(), cron: '0 4 * * *' });
  });

  it('refuses unknown fields in a patch', () => {
    expect(SchedulePatch.safeParse({ paused: true }).success).toBe(false);
  });
});
