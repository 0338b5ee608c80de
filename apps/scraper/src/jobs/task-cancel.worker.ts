import { Inject, Injectable } from '@nestjs/common';
import { SUBJECTS, TaskEventMessage } from '@sluice/contracts';
import { JetStreamWorker, type WorkerDefinition } from '@sluice/runtime';
import { CrawlRuntime } from '../crawl/crawl-runtime';

/**
 * Sets the cancel flag of a crawl when its task is cancelled; the replica running the crawl sees
 * it at its next safe point. A cancel that comes before the job leaves a flagged crawl row, so the
 * job, when it arrives, ends without fetching anything.
 */
@Injectable()
export class TaskCancelWorker extends JetStreamWorker<TaskEventMessage> {
  protected readonly definition: WorkerDefinition<TaskEventMessage> = {
    durable: 'scraper-task-cancel',
    stream: 'events',
    subject: SUBJECTS.taskEvent('*', 'cancelled'),
    schema: TaskEventMessage,
  };

  constructor(@Inject(CrawlRuntime) private readonly runtime: CrawlRuntime) {
    super();
  }

  protected async handle(event: TaskEventMessage): Promise<void> {
    await this.runtime.assembled.crawls.requestCancel(event.taskId, event.tenantId);
  }
}
