import { eventually } from '@sluice/testing';
import type { ApiClient, Credentials } from './api-client';

export type TaskView = { id: string; status: string; progress: { done: number; failed: number; queued: number }; error?: string };

const ENDED = ['SUCCEEDED', 'FAILED', 'CANCELLED'];

/** Submitting crawls and following their tasks through the REST API, as one tenant. */
export function crawlTasks(api: ApiClient, auth: Credentials, pollMs = 250) {
  const task = async (id: string) => (await api.request<TaskView>('GET', `/v1/tasks/${id}`, { auth })).body;
  return {
    /** POST /v1/scrape-jobs, which must be accepted; the task id. */
    async submit(job: Record<string, unknown>): Promise<string> {
      const res = await api.request<{ taskId: string; status: string }>('POST', '/v1/scrape-jobs', { auth, body: job });
      if (res.status !== 202) throw new Error(`scrape job refused: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body.taskId;
    },
    task,
    /** The task once it has ended. */
    finished: (id: string, timeoutMs = 60_000) => eventually(() => task(id), (t) => ENDED.includes(t.status), timeoutMs, pollMs),
  };
}
