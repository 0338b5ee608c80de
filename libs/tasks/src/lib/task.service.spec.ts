import { NotFoundError, UnavailableError, type ScrapeJobMessage, type TaskEventMessage } from '@sluice/contracts';
import { TaskAlreadyEndedError } from './task-errors';
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
    const published: { subject: string; payload: ScrapeJobMessage | TaskEventMessage; msgId: string }[] = [];
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

  describe('cancel', () => {
    const at = new Date('2026-03-01T12:00:00.000Z');
    const clock = () => at;

    function cancellable(statusBefore: string, statusAfter: string) {
      const calls: string[] = [];
      let reads = 0;
      const { repo } = repository({
        find: async () => ({ ...row, status: reads++ === 0 ? statusBefore : statusAfter }) as TaskRow,
        cancel: async (tenantId: string, id: string, when: Date) => {
          calls.push(`cancel ${tenantId} ${id} ${when.toISOString()}`);
          return statusAfter === 'CANCELLED';
        },
      });
      return { repo, calls };
    }

    it('publishes the cancelled event once per task, then cancels the row', async () => {
      const published: { subject: string; payload: unknown; msgId: string }[] = [];
      const { repo, calls } = cancellable('RUNNING', 'CANCELLED');
      const publisher: JobPublisher = { publish: async (subject, payload, { msgId }) => published.push({ subject, payload, msgId }) };
      const task = await new TaskService(repo, publisher, clock).cancelTask({ tenantId: TENANT }, row.id);
      expect(task.status).toBe('CANCELLED');
      expect(published).toEqual([
        { subject: `events.task.${row.id}.cancelled`, payload: { taskId: row.id, tenantId: TENANT, type: 'cancelled', at: at.toISOString() }, msgId: `${row.id}:cancelled` },
      ]);
      expect(calls).toEqual([`cancel ${TENANT} ${row.id} ${at.toISOString()}`]);
    });

    it('refuses a task that already ended, naming its status, and publishes nothing', async () => {
      const published: string[] = [];
      const { repo, calls } = cancellable('SUCCEEDED', 'SUCCEEDED');
      const service = new TaskService(repo, { publish: async (_s, _p, { msgId }) => published.push(msgId) }, clock);
      const error = await service.cancelTask({ tenantId: TENANT }, row.id).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TaskAlreadyEndedError);
      expect(error).toMatchObject({ code: 'FAILED_PRECONDITION', message: 'the task already ended: it is SUCCEEDED' });
      expect(published).toEqual([]);
      expect(calls).toEqual([]);
    });

    it('answers with the final status when the task ended while it was being cancelled', async () => {
      const { repo } = cancellable('RUNNING', 'FAILED');
      const error = await new TaskService(repo, { publish: async () => undefined }, clock).cancelTask({ tenantId: TENANT }, row.id).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'FAILED_PRECONDITION', status: 'FAILED' });
    });

    it('changes nothing and answers UNAVAILABLE when the event cannot be published', async () => {
      const { repo, calls } = cancellable('QUEUED', 'CANCELLED');
      const publisher: JobPublisher = {
        publish: async () => {
          throw new Error('no responders');
        },
      };
      await expect(new TaskService(repo, publisher, clock).cancelTask({ tenantId: TENANT }, row.id)).rejects.toBeInstanceOf(UnavailableError);
      expect(calls).toEqual([]);
    });

    it('answers NOT_FOUND for another tenant\'s task', async () => {
      const { repo } = repository();
      await expect(new TaskService(repo, { publish: async () => undefined }).cancelTask({ tenantId: TENANT }, row.id)).rejects.toBeInstanceOf(NotFoundError);
    });
  });

  it('pages with a cursor only when the page was full', async () => {
    const rows = [
      { ...row, id: '44444444-4444-4444-8444-444444444444', createdAt: new Date('2026-03-01T10:00:00.000Z') },
      { ...row, id: '55555555-5555-4555-8555-555555555555', createdAt: new Date('2026-03-01T09:00:00.000Z') },
    ] as TaskRow[];
    const seen: unknown[] = [];
    const { repo } = repository({
      list: async (_tenant: string, _filter: unknown, limit: number, after: unknown) => {
        seen.push(after);
        return rows.slice(0, limit);
      },
    });
    const service = new TaskService(repo, { publish: async () => undefined });
    const full = await service.listTasks({ tenantId: TENANT }, {}, 2, '');
    expect(full.nextCursor).not.toBe('');
    await service.listTasks({ tenantId: TENANT }, {}, 2, full.nextCursor);
    expect(seen[1]).toEqual({ createdAt: rows[1].createdAt, id: rows[1].id });
    expect((await service.listTasks({ tenantId: TENANT }, {}, 3, '')).nextCursor).toBe('');
  });
});
