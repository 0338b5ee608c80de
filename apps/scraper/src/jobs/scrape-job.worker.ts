import { Inject, Injectable } from '@nestjs/common';
import type { ServiceConfig } from '@sluice/config';
import { ScrapeJobMessage, ScrapeJobRequest, SUBJECTS } from '@sluice/contracts';
import type { DeadLetter, MessageContext } from '@sluice/messaging';
import { JetStreamWorker, SERVICE_CONFIG, type WorkerDefinition } from '@sluice/runtime';
import { CrawlRuntime } from '../crawl/crawl-runtime';
import { CrawlTaskEvents } from './crawl-task-events';
import { TaskEventEmitter } from './task-event-emitter';

/**
 * Runs scrape jobs off the JOBS work queue with the crawl engine. The message is acked only when
 * the crawl has ended and its events (CrawlTaskEvents) are published; a redelivered job resumes
 * its crawl from the frontier. On shutdown the crawl stops at once and the job is handed back. A
 * job whose deliveries run out fails its task with the reason.
 */
@Injectable()
export class ScrapeJobWorker extends JetStreamWorker<ScrapeJobMessage> {
  protected readonly definition: WorkerDefinition<ScrapeJobMessage>;

  constructor(
    @Inject(CrawlRuntime) private readonly runtime: CrawlRuntime,
    @Inject(TaskEventEmitter) private readonly events: TaskEventEmitter,
    @Inject(SERVICE_CONFIG) config: ServiceConfig,
  ) {
    super();
    this.definition = {
      durable: 'scraper',
      stream: 'jobs',
      subject: SUBJECTS.scrapeJob,
      schema: ScrapeJobMessage,
      options: {
        concurrency: config.scraper!.jobsPerReplica,
        ackWaitMs: 15_000,
        // a crawl does not finish in the stop timeout; hand it back soon so shutdown stays short
        stopTimeoutMs: 1_000,
        onDeadLetter: (letter) => this.failExhausted(letter),
      },
    };
  }

  protected async handle(message: ScrapeJobMessage, ctx: MessageContext): Promise<void> {
    const task = { taskId: message.taskId, tenantId: message.tenantId };
    const job = ScrapeJobRequest.safeParse(message.job);
    if (!job.success) {
      await this.events.failed(task, `invalid scrape job: ${job.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      return;
    }
    const events = new CrawlTaskEvents(this.events, task);
    const outcome = await this.runtime.engine.run({
      ...task,
      job: job.data,
      signal: ctx.signal,
      resumed: ctx.deliveryCount > 1,
      // the first fetch does not wait for the start to be stored; later events do
      onStarted: async () => events.start(),
      onProgress: async (counts) => {
        ctx.heartbeat();
        await events.progress(counts);
      },
    });
    if (outcome.status === 'SUCCEEDED') await events.succeeded(outcome.counts);
    else if (outcome.status === 'FAILED') await events.failed(outcome.error);
    // CANCELLED: the scheduler cancelled the task itself; nothing to report.
  }

  /**
   * The job was given up on (its deliveries ran out, or it can never be handled): the task fails
   * saying so, and the crawl's own row too, so a copy of the job that comes later ends at once.
   */
  private async failExhausted(letter: DeadLetter): Promise<void> {
    const message = ScrapeJobMessage.safeParse(letter.payload);
    if (!message.success) {
      this.logger.error({ seq: letter.streamSequence, reason: letter.reason }, 'dead-lettered scrape job has no task to fail');
      return;
    }
    const task = { taskId: message.data.taskId, tenantId: message.data.tenantId };
    const error = givenUpError(letter);
    // The task first: the crawl's row is in the database, which may be what kept failing.
    await this.events.failed(task, error);
    const crawls = this.runtime.assembled.crawls;
    const crawl = await crawls.find(task.taskId);
    if (crawl?.tenantId === task.tenantId) {
      await crawls.finish(task.taskId, 'FAILED', { pagesDone: crawl.pagesDone, pagesFailed: crawl.pagesFailed }, error);
    }
  }
}

/** How often the job was tried and why it was given up, in words a user of the task can act on. */
function givenUpError(letter: DeadLetter): string {
  const attempts = `${letter.deliveries} attempt${letter.deliveries === 1 ? '' : 's'}`;
  const why = letter.reason === 'handler_failed' ? `the last one failed: ${letter.detail}` : letter.detail;
  return `the crawl was given up after ${attempts} (${letter.reason}); ${why}`;
}
