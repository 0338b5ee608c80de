import { createPrismaClient, type PrismaClient } from '@sluice/database';
import { createMigratedTestDatabase, type TestDatabase } from '@sluice/database/testing';
import type { TaskEventMessage, TaskEventType } from '@sluice/contracts';
import { TaskRepository } from './task.repository';

const TENANT = '11111111-1111-4111-8111-111111111111';
const OTHER_TENANT = '22222222-2222-4222-8222-222222222222';
const job = { startUrls: ['https://example.org/'], sameOrigin: true, respectRobotsTxt: true };

describe('TaskRepository on PostgreSQL', () => {
  let database: TestDatabase;
  let prisma: PrismaClient;
  let tasks: TaskRepository;

  beforeAll(async () => {
    database = await createMigratedTestDatabase();
    prisma = createPrismaClient(database.url);
    tasks = new TaskRepository(prisma);
  }, 60_000);

  afterAll(async () => {
    await prisma?.$disconnect();
    await database?.dispose();
  });

  const event = (taskId: string, type: TaskEventType, extra: Partial<TaskEventMessage> = {}): TaskEventMessage => ({
    taskId,
    tenantId: TENANT,
    type,
    at: new Date().toISOString(),
    ...extra,
  });

  it('creates a queued task that only its tenant can see', async () => {
    const task = await tasks.createQueued(TENANT, job, 'user-1');
    expect(task).toMatchObject({ status: 'QUEUED', kind: 'scrape', createdBy: 'user-1', payload: job });
    expect(await tasks.find(TENANT, task.id)).toMatchObject({ id: task.id });
    expect(await tasks.find(OTHER_TENANT, task.id)).toBeNull();
  });

  it('moves a task through start, progress and success, recording times', async () => {
    const { id } = await tasks.createQueued(TENANT, job, undefined);
    expect(await tasks.applyEvent(event(id, 'started'))).toBe(true);
    expect(await tasks.applyEvent(event(id, 'progress', { progress: { done: 3, failed: 1, queued: 5 } }))).toBe(true);
    expect(await tasks.applyEvent(event(id, 'succeeded'))).toBe(true);
    const row = await tasks.find(TENANT, id);
    expect(row).toMatchObject({ status: 'SUCCEEDED', progressDone: 3, progressFailed: 1, progressQueued: 5 });
    expect(row!.startedAt).toBeInstanceOf(Date);
    expect(row!.finishedAt).toBeInstanceOf(Date);
  });

  it('ignores events after the end and events of another tenant', async () => {
    const { id } = await tasks.createQueued(TENANT, job, undefined);
    await tasks.applyEvent(event(id, 'started'));
    await tasks.applyEvent(event(id, 'failed', { error: 'boom' }));
    expect(await tasks.applyEvent(event(id, 'succeeded'))).toBe(false);
    expect(await tasks.applyEvent({ ...event(id, 'started'), tenantId: OTHER_TENANT })).toBe(false);
    expect(await tasks.find(TENANT, id)).toMatchObject({ status: 'FAILED', error: 'boom' });
  });

  it('lets exactly one of two racing final events win', async () => {
    const { id } = await tasks.createQueued(TENANT, job, undefined);
    await tasks.applyEvent(event(id, 'started'));
    const results = await Promise.all([tasks.applyEvent(event(id, 'succeeded')), tasks.applyEvent(event(id, 'failed', { error: 'late' }))]);
    expect(results.filter(Boolean)).toHaveLength(1);
    const row = await tasks.find(TENANT, id);
    expect(['SUCCEEDED', 'FAILED']).toContain(row!.status);
  });

  it('marks a task failed only while it has not ended', async () => {
    const { id } = await tasks.createQueued(TENANT, job, undefined);
    await tasks.markFailed(id, 'the job could not be queued');
    expect(await tasks.find(TENANT, id)).toMatchObject({ status: 'FAILED', error: 'the job could not be queued' });
    const done = await tasks.createQueued(TENANT, job, undefined);
    await tasks.applyEvent(event(done.id, 'started'));
    await tasks.applyEvent(event(done.id, 'succeeded'));
    await tasks.markFailed(done.id, 'too late');
    expect(await tasks.find(TENANT, done.id)).toMatchObject({ status: 'SUCCEEDED', error: null });
  });

  describe('list and stats', () => {
    // a tenant of its own, so the other tests' tasks never show up here
    const LISTED = '44444444-4444-4444-8444-444444444444';
    const ids: string[] = [];

    beforeAll(async () => {
      for (let i = 0; i < 5; i++) ids.push((await tasks.createQueued(LISTED, job, `user-${i}`)).id);
      await prisma.task.update({ where: { id: ids[1] }, data: { kind: 'pipeline' } });
      await tasks.applyEvent({ ...event(ids[2], 'started'), tenantId: LISTED });
      await tasks.applyEvent({ ...event(ids[3], 'started'), tenantId: LISTED });
      await tasks.applyEvent({ ...event(ids[3], 'succeeded'), tenantId: LISTED });
      // two tasks made in the same millisecond must still page without loss or repeat
      await prisma.task.update({ where: { id: ids[4] }, data: { createdAt: (await tasks.find(LISTED, ids[3]))!.createdAt } });
    });

    it('lists newest first across pages, without loss or repeats', async () => {
      const seen: string[] = [];
      let after: { createdAt: Date; id: string } | undefined;
      for (let page = 0; page < 10; page++) {
        const rows = await tasks.list(LISTED, {}, 2, after);
        seen.push(...rows.map((r) => r.id));
        if (rows.length < 2) break;
        after = rows[rows.length - 1];
      }
      expect(seen.sort()).toEqual([...ids].sort());
      const all = await tasks.list(LISTED, {}, 50, undefined);
      const times = all.map((r) => r.createdAt.getTime());
      expect(times).toEqual([...times].sort((a, b) => b - a));
    });

    it('filters by status and by kind, and never shows another tenant\'s tasks', async () => {
      expect((await tasks.list(LISTED, { status: 'RUNNING' }, 50, undefined)).map((r) => r.id)).toEqual([ids[2]]);
      expect((await tasks.list(LISTED, { kind: 'pipeline' }, 50, undefined)).map((r) => r.id)).toEqual([ids[1]]);
      expect((await tasks.list(LISTED, { status: 'QUEUED', kind: 'scrape' }, 50, undefined)).map((r) => r.id).sort()).toEqual([ids[0], ids[4]].sort());
      expect(await tasks.list(OTHER_TENANT, {}, 50, undefined)).toEqual([]);
    });

    it('counts the tenant\'s tasks by kind and status', async () => {
      expect(await tasks.countByKindAndStatus(LISTED)).toEqual([
        { kind: 'pipeline', status: 'QUEUED', count: 1 },
        { kind: 'scrape', status: 'QUEUED', count: 2 },
        { kind: 'scrape', status: 'RUNNING', count: 1 },
        { kind: 'scrape', status: 'SUCCEEDED', count: 1 },
      ]);
      expect(await tasks.countByKindAndStatus(OTHER_TENANT)).toEqual([]);
    });
  });

  it('cancels a queued or running task of the tenant only, never an ended one', async () => {
    const queued = await tasks.createQueued(TENANT, job, undefined);
    const at = new Date('2026-03-01T12:00:00.000Z');
    expect(await tasks.cancel(OTHER_TENANT, queued.id, at)).toBe(false);
    expect(await tasks.find(TENANT, queued.id)).toMatchObject({ status: 'QUEUED' });
    expect(await tasks.cancel(TENANT, queued.id, at)).toBe(true);
    expect(await tasks.find(TENANT, queued.id)).toMatchObject({ status: 'CANCELLED', finishedAt: at });
    expect(await tasks.cancel(TENANT, queued.id, new Date())).toBe(false);

    const running = await tasks.createQueued(TENANT, job, undefined);
    await tasks.applyEvent(event(running.id, 'started'));
    expect(await tasks.cancel(TENANT, running.id, at)).toBe(true);

    const done = await tasks.createQueued(TENANT, job, undefined);
    await tasks.applyEvent(event(done.id, 'started'));
    await tasks.applyEvent(event(done.id, 'succeeded'));
    expect(await tasks.cancel(TENANT, done.id, at)).toBe(false);
    expect(await tasks.find(TENANT, done.id)).toMatchObject({ status: 'SUCCEEDED' });
  });

  it('ignores a worker\'s late events after a cancel, progress included', async () => {
    const { id } = await tasks.createQueued(TENANT, job, undefined);
    await tasks.applyEvent(event(id, 'started'));
    await tasks.applyEvent(event(id, 'progress', { progress: { done: 1, failed: 0, queued: 9 } }));
    await tasks.cancel(TENANT, id, new Date());
    expect(await tasks.applyEvent(event(id, 'progress', { progress: { done: 7, failed: 0, queued: 3 } }))).toBe(false);
    expect(await tasks.applyEvent(event(id, 'succeeded'))).toBe(false);
    expect(await tasks.applyEvent(event(id, 'failed', { error: 'stopped' }))).toBe(false);
    expect(await tasks.applyEvent(event(id, 'cancelled'))).toBe(false);
    expect(await tasks.find(TENANT, id)).toMatchObject({ status: 'CANCELLED', progressDone: 1, progressQueued: 9, error: null });
  });

  it('lets a cancel and a racing final event end the task exactly once', async () => {
    const { id } = await tasks.createQueued(TENANT, job, undefined);
    await tasks.applyEvent(event(id, 'started'));
    const [cancelled, succeeded] = await Promise.all([tasks.cancel(TENANT, id, new Date()), tasks.applyEvent(event(id, 'succeeded'))]);
    expect([cancelled, succeeded].filter(Boolean)).toHaveLength(1);
    expect((await tasks.find(TENANT, id))!.status).toBe(cancelled ? 'CANCELLED' : 'SUCCEEDED');
  });
});
