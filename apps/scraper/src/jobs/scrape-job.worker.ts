import { Inject, Injectable } from '@nestjs/common';
import { ScrapeJobMessage, SUBJECTS, type TaskEventMessage, type TaskEventType } from '@sluice/contracts';
import type { MessageContext } from '@sluice/messaging';
import { EventPublisher, JetStreamWorker, PUBLISHER, type WorkerDefinition } from '@sluice/runtime';

/**
 * Takes scrape jobs off the JOBS work queue. The crawl engine (frontier, robots.txt, politeness,
 * safe fetching) is not part of this version: a job is started and then failed with that reason,
 * so its task ends visibly instead of hanging.
 */
@Injectable()
export class ScrapeJobWorker extends JetStreamWorker<ScrapeJobMessage> {
  protected readonly definition: WorkerDefinition<ScrapeJobMessage> = {
    durable: 'scraper',
    stream: 'jobs',
    subject: SUBJECTS.scrapeJob,
    schema: ScrapeJobMessage,
  };

  constructor(@Inject(PUBLISHER) private readonly events: EventPublisher) {
    super();
  }

  protected async handle(job: ScrapeJobMessage, ctx: MessageContext): Promise<void> {
    await this.emit(job, 'started');
    ctx.signal.throwIfAborted();
    await this.emit(job, 'failed', { error: 'crawling is not available in this version of Sluice' });
  }

  private emit(job: ScrapeJobMessage, type: TaskEventType, extra: Partial<TaskEventMessage> = {}) {
    const event: TaskEventMessage = { taskId: job.taskId, tenantId: job.tenantId, type, at: new Date().toISOString(), ...extra };
    return this.events.publish(SUBJECTS.taskEvent(job.taskId, type), event, { msgId: `${job.taskId}:${type}` });
  }
}
