import { NotFoundError, UnavailableError, type ScrapeJobMessage } from '@sluice/contracts';
import type { TaskRepository, TaskRow } from './task.repository';
import { TaskService, type JobPublisher } from './task.service';

const TENANT = '11111111-1111-4111-8111-111111111111';
const job = { startUrls: ['https://example.org/'], sameOrigin: true, respectRobotsTxt: true };
const row = { id: '33333333-3333-4333-8333-333333333333', tenantId: TENANT, status: 'QUEUED' } as TaskRow;

function repository(overrides: Partial<TaskRepository> = {}) {
  const failed: { id: string; error: string }[] = [];
  const repo = {
    createQueued: async () => row,
    find: async () => null,
    markFailed: async (id: string, error: string) => void failed.push({ id, error }),
    ...overrides,
  } as unknown as TaskRepository;
  return { repo, failed };
}

describe('TaskService', () => {
  it('publishes the job with the task id as message id', async () => {
    const published: { subject: string; payload: ScrapeJobMessage; msgId: string }[] = [];
    const publisher: JobPublisher = { publish: async (subject, payload, { msgId }) => published.push({ subject, payload, msgId }) };
    const { repo } = repository();
    await new TaskService(repo, publisher).createScrapeTask({ tenantId: TENANT }, job);
    expect(published).toEqual([{ subject: 'jobs.scrape', payload: { taskId: row.id, tenantId: TENANT, job }, msgId: row.id }]);
  });

  it('fails the task and answers UNAVAILABLE when the job cannot be queued', async () => {
    const publisher: JobPublisher = {
      publish: async () => {
        throw new Error('no responders');
      },
    };
    const { repo, failed } = repository();
    await expect(new TaskService(repo, publisher).createScrapeTask({ tenantId: TENANT }, job)).rejects.toBeInstanceOf(UnavailableError);
    expect(failed).toEqual([{ id: row.id, error: 'the job could not be queued' }]);
  });

  it('answers NOT_FOUND for a task the tenant does not have', async () => {
    const { repo } = repository();
    await expect(new TaskService(repo, { publish: async () => undefined }).getTask({ tenantId: TENANT }, row.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('publishes a scheduled task again only while it is still QUEUED', async () => {
    const msgIds: string[] = [];
    const publisher: JobPublisher = { publish: async (_s, _p, { msgId }) => msgIds.push(msgId) };
    let status = 'QUEUED';
    const { repo } = repository({ createQueuedOnce: async () => ({ task: { ...row, status } as TaskRow, created: false }) });
    const service = new TaskService(repo, publisher);
    await service.createScrapeTaskOnce({ tenantId: TENANT }, row.id, job);
    status = 'RUNNING';
    await service.createScrapeTaskOnce({ tenantId: TENANT }, row.id, job);
    expect(msgIds).toEqual([row.id]);
  });
});
