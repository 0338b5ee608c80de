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
});
