import type { FrontierCandidate, FrontierRepository, Settlement } from './frontier.repository';
import type { PageRecord, PageRepository } from './page.repository';

/** What processing one claimed entry produced. */
export interface EntryResult {
  readonly settlement: Settlement;
  /** the page to store: fetched, or failed with what is known of the attempt */
  readonly page?: PageRecord;
  /** in-scope links of the page; queued unless the page turns out to duplicate an earlier one */
  readonly links?: readonly FrontierCandidate[];
}

interface Pending {
  readonly result: EntryResult;
  readonly resolve: (stored: { duplicateOf: string | undefined }) => void;
  readonly reject: (error: unknown) => void;
}

/** Results stored per round; more wait for the next one. */
const MAX_BATCH = 64;

/**
 * Stores one crawl's results in batches: while one batch is being written, the results that
 * finish meanwhile gather into the next, so a busy crawl writes many pages per round trip and an
 * idle one waits for nobody. Each batch is one statement (pages, their links, their entries'
 * settlement), so an entry is never DONE without its page and links.
 */
export class FrontierWriter {
  private pending: Pending[] = [];
  private draining = false;

  constructor(
    private readonly frontier: FrontierRepository,
    private readonly pages: PageRepository,
    private readonly taskId: string,
    private readonly cap: number,
  ) {}

  /** Adds URLs (start URLs, sitemaps) under the page cap; returns how many were new. */
  add(candidates: readonly FrontierCandidate[]): Promise<number> {
    return this.frontier.add(this.taskId, candidates, this.cap);
  }

  /** Resolves once the result is stored, with the earlier page its content duplicates, if any. */
  write(result: EntryResult): Promise<{ duplicateOf: string | undefined }> {
    return new Promise((resolve, reject) => {
      this.pending.push({ result, resolve, reject });
      if (!this.draining) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.pending.length > 0) {
        const batch = this.pending.splice(0, MAX_BATCH);
        try {
          await this.store(batch);
        } catch (error) {
          for (const item of batch) item.reject(error);
        }
      }
    } finally {
      this.draining = false;
    }
  }

  private async store(batch: readonly Pending[]): Promise<void> {
    const pages = batch.flatMap(({ result }) => (result.page ? [result.page] : []));
    const links = batch.flatMap(({ result }) => (result.links ?? []).map((link) => ({ ...link, foundOn: result.page?.url })));
    const { stored } = await this.frontier.advance({
      taskId: this.taskId,
      candidates: links,
      cap: this.cap,
      settlements: batch.map(({ result }) => result.settlement),
      pages: pages.length > 0 ? this.pages.insertStatement(pages) : undefined,
    });
    for (const { result, resolve } of batch) resolve({ duplicateOf: result.page ? stored.get(result.page.url) : undefined });
  }
}
