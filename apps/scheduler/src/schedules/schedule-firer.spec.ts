import { SluiceError, UnavailableError } from '@sluice/contracts';
import { scheduledRunId, scheduledTaskId } from '@sluice/schedules';
import type { TaskService } from '@sluice/tasks';
import type { PipelineRunStarter, StartPipelineRun } from './pipeline-run-starter';
import { ScheduleFirer } from './schedule-firer';
import type { FiringRecord, ScheduleRepository } from './schedule.repository';
import type { ScheduleRow } from './schedule-row';

const job = { startUrls: ['https://example.org/'], sameOrigin: true, respectRobotsTxt: true };

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

type Started = { caller: { tenantId: string; userId?: string }; request: StartPipelineRun };

/** The orchestrator's answer to a start: the run it made, or the error it answered with. */
function harness(answer: (request: StartPipelineRun) => Error | undefined = () => undefined, due: ScheduleRow[] = []) {
  const records: FiringRecord[] = [];
  const created: string[] = [];
  const started: Started[] = [];
  const logged: { level: string; message: string }[] = [];
  const repo = { recordFiring: async (r: FiringRecord) => records.push(r) > 0, findDue: async () => due } as unknown as ScheduleRepository;
  const tasks = {
    createScrapeTaskOnce: async (_caller: unknown, id: string) => {
      created.push(id);
      return { created: true };
    },
  } as unknown as TaskService;
  const runs: PipelineRunStarter = {
    startRun: async (caller, request) => {
      started.push({ caller, request });
      const error = answer(request);
      if (error) throw error;
      return { runId: request.runId, status: 'QUEUED' };
    },
    hasPipeline: async () => true,
  };
  const logTo = (level: string) => (...args: unknown[]) => void logged.push({ level, message: String(args[1]) });
  const logger = { info: logTo('info'), warn: logTo('warn'), error: logTo('error') };
  return { firer: new ScheduleFirer(repo, tasks, runs, logger), records, created, started, logged };
}

const lease = () => ({ fence: 7, signal: new AbortController().signal });

const pipelineRow = (overrides: Partial<ScheduleRow> = {}) => row({ target: { kind: 'pipeline', pipeline: 'movies', params: { day: 'today' } }, ...overrides });
const dueAt = new Date('2026-01-01T10:05:00Z');
const onTime = new Date('2026-01-01T10:05:01Z');

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

describe('ScheduleFirer.fireOne with a pipeline target', () => {
  it('starts the run as the schedule\'s tenant, with the id derived from (schedule, fire time), and records the firing', async () => {
    const { firer, records, started, created } = harness();
    expect(await firer.fireOne(pipelineRow(), lease(), onTime)).toBe('fired');
    expect(started).toEqual([
      {
        caller: { tenantId: pipelineRow().tenantId, userId: `schedule:${pipelineRow().id}` },
        request: { pipeline: 'movies', params: { day: 'today' }, runId: scheduledRunId(pipelineRow().id, dueAt) },
      },
    ]);
    expect(created).toEqual([]);
    expect(records).toEqual([expect.objectContaining({ firedAt: dueAt, nextFireAt: new Date('2026-01-01T10:10:00Z'), fence: 7 })]);
  });

  it('uses up the fire time as skipped when another run of the pipeline is active', async () => {
    const { firer, records, logged } = harness(() => new SluiceError('ALREADY_EXISTS', 'a run of pipeline "movies" is already active: run 5d3c2b1a-0f9e-4d8c-b7a6-9f8e7d6c5b4a'));
    expect(await firer.fireOne(pipelineRow(), lease(), onTime)).toBe('skipped');
    expect(records).toEqual([expect.objectContaining({ firedAt: dueAt, nextFireAt: new Date('2026-01-01T10:10:00Z') })]);
    expect(logged).toEqual([{ level: 'info', message: 'schedule fire time skipped: another run of the pipeline is active' }]);
  });

  it('uses up the fire time as skipped, with a warning, when the pipeline does not exist', async () => {
    const { firer, records, logged } = harness(() => new SluiceError('NOT_FOUND', 'pipeline "movies" not found'));
    expect(await firer.fireOne(pipelineRow(), lease(), onTime)).toBe('skipped');
    expect(records).toEqual([expect.objectContaining({ firedAt: dueAt })]);
    expect(logged).toEqual([{ level: 'warn', message: 'schedule fire time skipped: the pipeline does not exist' }]);
  });

  it.each([
    ['unavailable', new UnavailableError('a service this request needs is unavailable')],
    ['an unexpected failure', Object.assign(new Error('internal error'), { code: 13 })],
  ])('records nothing when the orchestrator is %s, so the next tick fires the same time with the same run id', async (_case, failure) => {
    let fail = true;
    const { firer, records, started } = harness(() => (fail ? failure : undefined));
    await expect(firer.fireOne(pipelineRow(), lease(), onTime)).rejects.toBe(failure);
    expect(records).toEqual([]);

    fail = false;
    expect(await firer.fireOne(pipelineRow(), lease(), new Date('2026-01-01T10:05:02Z'))).toBe('fired');
    expect(started.map((s) => s.request.runId)).toEqual([scheduledRunId(pipelineRow().id, dueAt), scheduledRunId(pipelineRow().id, dueAt)]);
    expect(records).toEqual([expect.objectContaining({ firedAt: dueAt })]);
  });

  it('counts each outcome of a tick: fired, skipped, and an error left for the next tick', async () => {
    const rows = [pipelineRow({ id: '3f2b8a1c-5d4e-4f60-9a7b-000000000001' }), pipelineRow({ id: '3f2b8a1c-5d4e-4f60-9a7b-000000000002' }), pipelineRow({ id: '3f2b8a1c-5d4e-4f60-9a7b-000000000003' })];
    const answers = new Map<string, Error | undefined>([
      [scheduledRunId(rows[1].id, dueAt), new SluiceError('ALREADY_EXISTS', 'active')],
      [scheduledRunId(rows[2].id, dueAt), new UnavailableError('down')],
    ]);
    const { firer, records } = harness((request) => answers.get(request.runId), rows);
    expect(await firer.fireDue(lease(), onTime)).toEqual({ fired: 1, skipped: 1, refused: 0, error: 1 });
    expect(records.map((r) => r.id)).toEqual([rows[0].id, rows[1].id]);
  });
});
