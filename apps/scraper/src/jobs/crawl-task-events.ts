import type { FrontierCounts } from '@sluice/crawl-engine';
import type { TaskEventEmitter } from './task-event-emitter';

type Task = { readonly taskId: string; readonly tenantId: string };

/**
 * The events of one delivery of a scrape job, in order. `started` is published beside the crawl's
 * first fetch rather than before it; every later event waits until `started` is stored and fails
 * if it could not be, so the scheduler sees a task start before its progress or its end, and the
 * job is retried when an event is missing. A task reaches SUCCEEDED only from RUNNING, so
 * `succeeded` always follows a stored `started`, also when a redelivered job finds its crawl
 * already finished: the repeat has the same message id, so JetStream drops it inside the duplicate
 * window, and the scheduler ignores the start of a task that is running or has ended.
 */
export class CrawlTaskEvents {
  private started?: Promise<unknown>;

  constructor(
    private readonly emitter: Pick<TaskEventEmitter, 'started' | 'progress' | 'succeeded' | 'failed'>,
    private readonly task: Task,
  ) {}

  /** Starts publishing `started` and returns at once; a failure surfaces at the next event. */
  start(): void {
    // Handled here so that it is not an unhandled rejection; the next event awaits it again.
    this.startedStored().catch(() => undefined);
  }

  async progress(counts: FrontierCounts): Promise<void> {
    await this.startedStored();
    await this.emitter.progress(this.task, counts);
  }

  async succeeded(counts: FrontierCounts): Promise<void> {
    await this.startedStored();
    await this.emitter.progress(this.task, counts);
    await this.emitter.succeeded(this.task, counts);
  }

  /** A task may fail without having started (its job was invalid): `started` is awaited only if it was sent. */
  async failed(error: string): Promise<void> {
    await this.started;
    await this.emitter.failed(this.task, error);
  }

  private startedStored(): Promise<unknown> {
    this.started ??= this.emitter.started(this.task);
    return this.started;
  }
}
