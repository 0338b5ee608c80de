import { createPrismaClient, type PrismaClient } from '@sluice/database';
import { createMigratedTestDatabase, type TestDatabase } from '@sluice/database/testing';
import { UnavailableError } from '@sluice/contracts';
import { scheduledRunId, scheduledTaskId } from '@sluice/schedules';
import { TaskRepository, TaskService, type JobPublisher } from '@sluice/tasks';
import type { PipelineRunStarter, StartPipelineRun } from './pipeline-run-starter';
import { ScheduleFirer } from './schedule-firer';
import { ScheduleRepository } from './schedule.repository';
import { SchedulesService } from './schedules.service';

const TENANT = '11111111-1111-4111-8111-111111111111';
const OTHER_TENANT = '22222222-2222-4222-8222-222222222222';
const job = { startUrls: ['https://example.org/'] };
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
const live = (fence: number) => ({ fence, signal: new AbortController().signal });

/**
 * The orchestrator as far as these tests need it (it has its own tests, and the e2e suite fires
 * pipeline schedules at the real one): the tenant's pipelines, and starts that can be made to fail.
 */
class ScriptedOrchestrator implements PipelineRunStarter {
  readonly starts: StartPipelineRun[] = [];
  available = true;
  private readonly pipelines = new Set([`${TENANT}/movies`]);

  async startRun(_caller: { tenantId: string }, request: StartPipelineRun) {
    if (!this.available) throw new UnavailableError('a service this request needs is unavailable');
    this.starts.push(request);
    return { runId: request.runId, status: 'QUEUED' };
  }

  async hasPipeline(caller: { tenantId: string }, name: string) {
    if (!this.available) throw new UnavailableError('a service this request needs is unavailable');
    return this.pipelines.has(`${caller.tenantId}/${name}`);
  }
}

describe('schedules on PostgreSQL', () => {
  let database: TestDatabase;
  let prisma: PrismaClient;
  let repo: ScheduleRepository;
  let clock: Date;
  let service: SchedulesService;
  let orchestrator: ScriptedOrchestrator;
  const published: string[] = [];
  const publisher: JobPublisher = { publish: async (_subject, _payload, { msgId }) => void published.push(msgId) };

  beforeAll(async () => {
    database = await createMigratedTestDatabase();
    prisma = createPrismaClient(database.url);
    repo = new ScheduleRepository(prisma);
    orchestrator = new ScriptedOrchestrator();
    service = new SchedulesService(repo, orchestrator, () => clock);
  }, 60_000);

  afterAll(async () => {
    await prisma?.$disconnect();
    await database?.dispose();
  });

  beforeEach(() => {
    // rows get created_at from the database's clock, so the test clock starts at the real time
    clock = new Date();
    published.length = 0;
    orchestrator.available = true;
  });

  const create = (name: string, extra: Record<string, unknown> = {}) =>
    service.create({ tenantId: TENANT }, { name, cron: '*/5 * * * *', target: { kind: 'scrape', job }, ...extra });

  it('refuses a firing written under an older fence than the one stored, and takes an equal or newer one', async () => {
    const row = await create('fenced');
    const write = (fence: number, nextFireAt: Date) => repo.recordFiring({ id: row.id, seenUpdatedAt: row.updatedAt, fence, firedAt: undefined, nextFireAt });
    expect(await write(5, new Date('2026-01-01T10:10:00Z'))).toBe(true);
    expect(await write(4, new Date('2026-01-01T11:00:00Z'))).toBe(false);
    expect(await write(5, new Date('2026-01-01T10:15:00Z'))).toBe(true);
    const stored = await repo.find(TENANT, row.id);
    expect(stored).toMatchObject({ nextFireAt: new Date('2026-01-01T10:15:00Z'), leaderFence: 5n, updatedAt: row.updatedAt });
  });

  it('refuses a firing of a schedule edited after it was read', async () => {
    const row = await create('edited');
    await service.update({ tenantId: TENANT }, row.id, { cron: '*/10 * * * *' });
    expect(await repo.recordFiring({ id: row.id, seenUpdatedAt: row.updatedAt, fence: 1, firedAt: clock, nextFireAt: null })).toBe(false);
  });

  it('creates one task when two leaders fire the same (schedule, time) at once', async () => {
    const row = await create('raced');
    const firer = () => new ScheduleFirer(repo, new TaskService(new TaskRepository(prisma), publisher), orchestrator, silent);
    const fireAt = row.nextFireAt!;
    const now = new Date(fireAt.getTime() + 1000);
    const outcomes = await Promise.all([firer().fireOne(row, live(1), now), firer().fireOne(row, live(2), now), firer().fireOne(row, live(2), now)]);
    expect(outcomes.filter((o) => o === 'fired').length).toBeGreaterThanOrEqual(1);
    const taskId = scheduledTaskId(row.id, fireAt);
    const tasks = await prisma.task.findMany({ where: { tenantId: TENANT, createdBy: `schedule:${row.id}` } });
    expect(tasks.map((t) => t.id)).toEqual([taskId]);
    // every publish carried the task id, so JetStream keeps one message
    expect(new Set(published)).toEqual(new Set([taskId]));
    const stored = await repo.find(TENANT, row.id);
    expect(stored).toMatchObject({ lastFiredAt: fireAt, nextFireAt: new Date(fireAt.getTime() + 300_000) });
  });

  it('a deposed leader cannot move a schedule back after the new leader fired it', async () => {
    const row = await create('deposed');
    const firer = new ScheduleFirer(repo, new TaskService(new TaskRepository(prisma), publisher), orchestrator, silent);
    const fireAt = row.nextFireAt!;
    expect(await firer.fireOne(row, live(9), new Date(fireAt.getTime() + 1000))).toBe('fired');
    const fired = (await repo.find(TENANT, row.id))!;
    // the old leader read the row before and writes late with its older fence
    expect(await firer.fireOne({ ...fired, nextFireAt: row.nextFireAt }, live(8), new Date(fireAt.getTime() + 2000))).toBe('refused');
    expect(await repo.find(TENANT, row.id)).toMatchObject({ leaderFence: 9n, nextFireAt: new Date(fireAt.getTime() + 300_000) });
  });

  it('finds only due, unpaused schedules; pause and resume change that', async () => {
    const row = await create('due');
    const fireAt = row.nextFireAt!;
    const due = async () => (await repo.findDue(fireAt, 100)).some((r) => r.id === row.id);
    expect(await due()).toBe(true);
    await service.pause({ tenantId: TENANT }, row.id);
    expect(await due()).toBe(false);
    clock = new Date(fireAt.getTime() + 60_000);
    const resumed = await service.resume({ tenantId: TENANT }, row.id);
    expect(resumed.nextFireAt).toEqual(new Date(fireAt.getTime() + 300_000));
  });

  it('scopes every read and write by tenant and keeps names unique per tenant', async () => {
    const row = await create('mine');
    await expect(service.get({ tenantId: OTHER_TENANT }, row.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(service.pause({ tenantId: OTHER_TENANT }, row.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(service.delete({ tenantId: OTHER_TENANT }, row.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(create('mine')).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
    await expect(service.create({ tenantId: OTHER_TENANT }, { name: 'mine', cron: '0 * * * *', target: { kind: 'scrape', job } })).resolves.toBeDefined();
  });

  it('lists newest first with a cursor that continues where the page ended', async () => {
    const tenant = '33333333-3333-4333-8333-333333333333';
    for (const name of ['a', 'b', 'c']) await service.create({ tenantId: tenant }, { name, cron: '0 * * * *', target: { kind: 'scrape', job } });
    const first = await service.list({ tenantId: tenant }, 2, '');
    const second = await service.list({ tenantId: tenant }, 2, first.nextCursor);
    expect([...first.rows, ...second.rows].map((r) => r.name)).toEqual(['c', 'b', 'a']);
    expect(second.nextCursor).toBe('');
  });

  it('takes a pipeline target only when the tenant has that pipeline, naming target.pipeline otherwise', async () => {
    const pipeline = (name: string) => ({ kind: 'pipeline', pipeline: name });
    await expect(service.create({ tenantId: TENANT }, { name: 'p', cron: '0 * * * *', target: pipeline('movies') })).resolves.toMatchObject({ target: pipeline('movies') });
    for (const [tenantId, name] of [[TENANT, 'moviez'], [OTHER_TENANT, 'movies']]) {
      await expect(service.create({ tenantId }, { name: 'q', cron: '0 * * * *', target: pipeline(name) })).rejects.toMatchObject({
        code: 'INVALID_ARGUMENT',
        violations: [expect.objectContaining({ path: 'target.pipeline' })],
      });
    }
    const scrape = await create('to-pipeline');
    await expect(service.update({ tenantId: TENANT }, scrape.id, { target: pipeline('moviez') })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect((await repo.find(TENANT, scrape.id))?.target).toMatchObject({ kind: 'scrape' });
    // while the orchestrator cannot be asked, nothing is written
    orchestrator.available = false;
    await expect(service.create({ tenantId: TENANT }, { name: 'r', cron: '0 * * * *', target: pipeline('movies') })).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    expect((await service.list({ tenantId: TENANT }, 500, '')).rows.map((r) => r.name)).not.toContain('r');
  });

  it('fires a due pipeline schedule as the run derived from (schedule, time); an unreachable orchestrator leaves the time to fire at the next tick', async () => {
    const row = await service.create({ tenantId: TENANT }, { name: 'nightly-movies', cron: '*/5 * * * *', target: { kind: 'pipeline', pipeline: 'movies' } });
    const fireAt = row.nextFireAt!;
    const firer = new ScheduleFirer(repo, new TaskService(new TaskRepository(prisma), publisher), orchestrator, silent);

    orchestrator.available = false;
    await expect(firer.fireOne(row, live(1), new Date(fireAt.getTime() + 1000))).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    expect(await repo.find(TENANT, row.id)).toMatchObject({ lastFiredAt: null, nextFireAt: fireAt });

    orchestrator.available = true;
    const again = (await repo.find(TENANT, row.id))!;
    expect(await firer.fireOne(again, live(1), new Date(fireAt.getTime() + 2000))).toBe('fired');
    expect(orchestrator.starts.filter((s) => s.runId === scheduledRunId(row.id, fireAt))).toEqual([{ pipeline: 'movies', params: undefined, runId: scheduledRunId(row.id, fireAt) }]);
    expect(await repo.find(TENANT, row.id)).toMatchObject({ lastFiredAt: fireAt, nextFireAt: new Date(fireAt.getTime() + 300_000) });
  });
});
