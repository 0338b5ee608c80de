import type { FrontierCandidate, FrontierRepository } from './frontier.repository';

/**
 * Adds discovered URLs to one crawl's frontier one batch at a time, so the page cap (read inside
 * each insert) is never overshot by concurrent pages of the same crawl.
 */
export class FrontierWriter {
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly frontier: FrontierRepository,
    private readonly taskId: string,
    private readonly cap: number,
  ) {}

  add(candidates: readonly FrontierCandidate[]): Promise<number> {
    const added = this.tail.then(() => this.frontier.add(this.taskId, candidates, this.cap));
    this.tail = added.catch(() => undefined);
    return added;
  }
}
