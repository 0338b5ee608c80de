import { SluiceError } from '@sluice/contracts';
import { IngestInputError } from '../ingest-errors';
import type { SourceRecord } from '../parsers/source-record';

/** A fetched page as the scraper lists it. */
export interface ScrapedPage {
  readonly url: string;
  readonly finalUrl: string;
  readonly status: number;
  /** RFC 3339 */
  readonly fetchedAt: string | undefined;
  readonly contentType: string;
  readonly bytes: number;
  readonly title: string;
  /** the fields the crawl's `extract` rules produced */
  readonly data: Readonly<Record<string, unknown>> | undefined;
}

export interface PageBatch {
  readonly pages: readonly ScrapedPage[];
  /** empty after the last batch */
  readonly nextCursor: string;
}

/** One call of the scraper's page listing for the job's tenant and task. */
export type ListPages = (cursor: string) => Promise<PageBatch>;

/** Page fields a column falls back to when the page's extracted data has no field of its name. */
const PAGE_FIELDS: Readonly<Record<string, (page: ScrapedPage) => unknown>> = {
  url: (page) => page.url,
  final_url: (page) => page.finalUrl,
  status: (page) => page.status,
  title: (page) => page.title,
  fetched_at: (page) => page.fetchedAt,
  content_type: (page) => page.contentType,
  bytes: (page) => page.bytes,
};

/**
 * A crawl task's pages as rows, read batch by batch (one batch in memory at a time). A column
 * takes `data[<name>]`, else the page field of that name (url, final_url, status, title,
 * fetched_at, content_type, bytes). A task the scraper does not know for this tenant fails the
 * source; an unavailable scraper is an ordinary (retried) error.
 */
export async function* scrapeRecords(taskId: string, listPages: ListPages): AsyncGenerator<readonly SourceRecord[]> {
  let cursor = '';
  let rowNumber = 0;
  const seen = new Set<string>();
  do {
    const batch = await listPages(cursor).catch((error: unknown) => {
      if (error instanceof SluiceError && (error.code === 'NOT_FOUND' || error.code === 'INVALID_ARGUMENT')) {
        throw new IngestInputError(`scrape task ${taskId}: ${error.code === 'NOT_FOUND' ? 'no such task' : error.message}`);
      }
      throw error;
    });
    yield batch.pages.map((page) => pageRow(++rowNumber, page));
    if (batch.nextCursor !== '' && seen.has(batch.nextCursor)) throw new Error(`the scraper returned cursor ${batch.nextCursor} twice`);
    seen.add(batch.nextCursor);
    cursor = batch.nextCursor;
  } while (cursor !== '');
}

function pageRow(rowNumber: number, page: ScrapedPage): SourceRecord {
  const data = page.data ?? {};
  return {
    kind: 'row',
    rowNumber,
    textual: false,
    field: (name) => (Object.hasOwn(data, name) ? data[name] : Object.hasOwn(PAGE_FIELDS, name) ? PAGE_FIELDS[name](page) : undefined),
    raw: () => ({ url: page.url, final_url: page.finalUrl, status: page.status, title: page.title, fetched_at: page.fetchedAt, content_type: page.contentType, bytes: page.bytes, data }),
  };
}
