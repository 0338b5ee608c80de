import { scheduledTaskId } from '@sluice/schedules';
import type { TaskService } from '@sluice/tasks';
import { ScheduleFirer } from './schedule-firer';
import type { FiringRecord, ScheduleRepository } from './schedule.repository';
import type { ScheduleRow } from './schedule-row';

const job = { startUrls: ['https://example.org/'], sameOrigin: true, respectRobotsTxt: true };
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

function row(overrides: Partial<ScheduleRow>): ScheduleRow {
  return {
    id: '3f2b8a1c-5d4e-4f60-9a7b-0c1d2e3f4a5b',
    tenantId: '11111111-1111-4111-8111-111111111111',
    name: 'every5',
    cron: '*/5 * * * *',
    timezone: 'UTC',
    startDate: null,
    endDate: null,
    missedRuns: 'skip',
    target: { kind: 'scrape', job },
    paused: false,
    lastFiredAt: null,
    nextFireAt: new Date('2026-01-01T10:05:00Z'),
    leaderFence: null,
    createdAt: new Date('2026-01-01T10:01:00Z'),
    updatedAt: new Date('2026-01-01T10:01:00Z'),
    ...overrides,
  };
}

function harness() {
  const records: FiringRecord[] = [];
  const created: string[] = [];
  const repo = { recordFiring: async (r: FiringRecord) => records.push(r) > 0 } as unknown as ScheduleRepository;
  const tasks = {
    createScrapeTaskOnce: async (_caller: unknown, id: string) => {
      created.push(id);
      return { created: true };
    },
  } as unknown as TaskService;
  return { firer: new ScheduleFirer(repo, tasks, silent), records, created };
}

const lease = () => ({ fence: 7, signal: new AbortController().signal });

describe('ScheduleFirer.fireOne', () => {
  it('fires the due time as the task derived from (schedule, fire time) and records it under the fence', async () => {
    const { firer, records, created } = harness();
    const fireAt = new Date('2026-01-01T10:05:00Z');
    expect(await firer.fireOne(row({}), lease(), new Date('2026-01-01T10:05:01Z'))).toBe('fired');
    expect(created).toEqual([scheduledTaskId(row({}).id, fireAt)]);
    expect(records).toEqual([
      { id: row({}).id, seenUpdatedAt: row({}).updatedAt, fence: 7, firedAt: fireAt, nextFireAt: new Date('2026-01-01T10:10:00Z') },
    ]);
  });

  it('with skip, fires nothing after downtime but moves the next fire time past now', async () => {
    const { firer, records, created } = harness();
    expect(await firer.fireOne(row({}), lease(), new Date('2026-01-01T11:02:00Z'))).toBe('skipped');
    expect(created).toEqual([]);
    expect(records[0]).toMatchObject({ firedAt: undefined, nextFireAt: new Date('2026-01-01T11:05:00Z') });
  });

  it('with run-once, fires one run for all the missed times', async () => {
    const { firer, created } = harness();
    await firer.fireOne(row({ missedRuns: 'run-once' }), lease(), new Date('2026-01-01T11:02:00Z'));
    expect(created).toEqual([scheduledTaskId(row({}).id, new Date('2026-01-01T11:00:00Z'))]);
  });

  it('writes nothing once the lease is lost', async () => {
    const { firer, records, created } = harness();
    const controller = new AbortController();
    controller.abort(new Error('lost'));
    await expect(firer.fireOne(row({}), { fence: 7, signal: controller.signal }, new Date('2026-01-01T10:05:01Z'))).rejects.toThrow('lost');
    expect(created).toEqual([]);
    expect(records).toEqual([]);
  });
});
