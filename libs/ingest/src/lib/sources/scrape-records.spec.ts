import { NotFoundError, UnavailableError } from '@sluice/contracts';
import { IngestInputError } from '../ingest-errors';
import type { SourceRecord } from '../parsers/source-record';
import { scrapeRecords, type PageBatch, type ScrapedPage } from './scrape-records';

const page = (n: number, data?: Record<string, unknown>): ScrapedPage => ({
  url: `https://example.org/${n}`,
  finalUrl: `https://example.org/${n}/`,
  status: 200,
  fetchedAt: '2024-03-01T12:00:00.000Z',
  contentType: 'text/html',
  bytes: 1000 + n,
  title: `Page ${n}`,
  data,
});

async function collect(batches: AsyncIterable<readonly SourceRecord[]>) {
  const rows: SourceRecord[] = [];
  for await (const batch of batches) rows.push(...batch);
  return rows;
}

describe('scrapeRecords', () => {
  it('reads every batch by cursor, in order, until the cursor is empty', async () => {
    const batches: Record<string, PageBatch> = {
      '': { pages: [page(1), page(2)], nextCursor: 'c1' },
      c1: { pages: [page(3)], nextCursor: 'c2' },
      c2: { pages: [], nextCursor: '' },
    };
    const asked: string[] = [];
    const rows = await collect(scrapeRecords('task', async (cursor) => (asked.push(cursor), batches[cursor])));
    expect(asked).toEqual(['', 'c1', 'c2']);
    expect(rows.map((row) => (row.kind === 'row' ? [row.rowNumber, row.field('url')] : row))).toEqual([
      [1, 'https://example.org/1'],
      [2, 'https://example.org/2'],
      [3, 'https://example.org/3'],
    ]);
  });

  it('takes a column from the extracted data first, then from the page field of that name', async () => {
    const [row] = await collect(scrapeRecords('task', async () => ({ pages: [page(7, { title: 'Extracted', price: '9.99' })], nextCursor: '' })));
    if (row.kind !== 'row') throw new Error('expected a row');
    expect(row.field('title')).toBe('Extracted');
    expect(row.field('price')).toBe('9.99');
    expect(['final_url', 'status', 'fetched_at', 'content_type', 'bytes'].map((name) => row.field(name))).toEqual([
      'https://example.org/7/',
      200,
      '2024-03-01T12:00:00.000Z',
      'text/html',
      1007,
    ]);
    expect(row.field('missing')).toBeUndefined();
    expect(row.field('constructor')).toBeUndefined();
  });

  it('fails the source for a task the scraper does not know, and lets an outage be retried', async () => {
    await expect(collect(scrapeRecords('t1', () => Promise.reject(new NotFoundError('task'))))).rejects.toThrow(new IngestInputError('scrape task t1: no such task'));
    await expect(collect(scrapeRecords('t1', () => Promise.reject(new UnavailableError('down'))))).rejects.toBeInstanceOf(UnavailableError);
  });

  it('stops instead of looping when the scraper repeats a cursor', async () => {
    await expect(collect(scrapeRecords('t1', async () => ({ pages: [page(1)], nextCursor: 'same' })))).rejects.toThrow(/cursor same twice/);
  });
});
