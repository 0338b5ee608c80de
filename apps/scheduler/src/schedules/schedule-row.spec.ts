import { ScheduleDefinition } from '@sluice/schedules';
import { updateRequestInput } from './schedule-message';
import { evaluatedUntil } from './schedule-firer';
import { toColumns, toDefinition, toTiming, type ScheduleRow } from './schedule-row';

const definition = ScheduleDefinition.parse({
  name: 'nightly',
  cron: '0 3 * * *',
  timezone: 'Europe/Berlin',
  startDate: '2026-05-01',
  target: { kind: 'scrape', job: { startUrls: ['https://example.org/'] } },
});

const rowOf = (columns: ReturnType<typeof toColumns>): ScheduleRow => ({
  id: '3f2b8a1c-5d4e-4f60-9a7b-0c1d2e3f4a5b',
  tenantId: '11111111-1111-4111-8111-111111111111',
  ...columns,
  target: columns.target as ScheduleRow['target'],
  paused: false,
  lastFiredAt: null,
  nextFireAt: null,
  leaderFence: null,
  createdAt: new Date('2026-01-01T00:00:00Z'),
  updatedAt: new Date('2026-01-01T00:00:00Z'),
});

describe('schedule rows', () => {
  it('round-trips a definition through its columns, absent dates as NULL', () => {
    const columns = toColumns(definition);
    expect(columns.endDate).toBeNull();
    expect(toDefinition(rowOf(columns))).toEqual(definition);
  });

  it('gives the timing without name and target', () => {
    expect(toTiming(definition)).toEqual({ cron: '0 3 * * *', timezone: 'Europe/Berlin', startDate: '2026-05-01', missedRuns: 'skip' });
  });

  it('refuses a stored row that is no longer a valid schedule', () => {
    expect(() => toDefinition(rowOf({ ...toColumns(definition), timezone: 'Mars/Olympus' }))).toThrow();
  });
});

describe('update requests', () => {
  it('carries only the fields that are set, an empty date as its removal', () => {
    expect(updateRequestInput({ id: 'x', cron: '0 4 * * *', startDate: '', target: undefined })).toEqual({ cron: '0 4 * * *', startDate: null });
  });
});

describe('evaluatedUntil', () => {
  const createdAt = new Date('2026-01-01T00:00:00Z');

  it('starts from creation before the first firing', () => {
    expect(evaluatedUntil({ createdAt, lastFiredAt: null, nextFireAt: null })).toEqual(createdAt);
  });

  it('starts just before the next fire time when that is later than the last firing (after a skip or a resume)', () => {
    const lastFiredAt = new Date('2026-01-01T01:00:00Z');
    const nextFireAt = new Date('2026-01-03T01:00:00Z');
    expect(evaluatedUntil({ createdAt, lastFiredAt, nextFireAt })).toEqual(new Date(nextFireAt.getTime() - 1));
    expect(evaluatedUntil({ createdAt, lastFiredAt: nextFireAt, nextFireAt: lastFiredAt })).toEqual(nextFireAt);
  });
});
