import { randomUUID } from 'node:crypto';
import { createPrismaClient, type PrismaClient } from '@sluice/database';
import { createMigratedTestDatabase, type TestDatabase } from '@sluice/database/testing';
import { CrawlRepository } from './crawl.repository';
import { PageRepository, type PageRecord } from './page.repository';

const TENANT = '11111111-1111-4111-8111-111111111111';
const OTHER_TENANT = '22222222-2222-4222-8222-222222222222';

describe('PageRepository and CrawlRepository on PostgreSQL', () => {
  let database: TestDatabase;
  let prisma: PrismaClient;
  let pages: PageRepository;
  let crawls: CrawlRepository;

  beforeAll(async () => {
    database = await createMigratedTestDatabase();
    prisma = createPrismaClient(database.url);
    pages = new PageRepository(prisma);
    crawls = new CrawlRepository(prisma);
  }, 60_000);

  afterAll(async () => {
    await prisma?.$disconnect();
    await database?.dispose();
  });

  /** One page stored on its own, and the earlier page it duplicates, if any. */
  const save = async (record: PageRecord) => ({ duplicateOf: (await pages.saveMany([record])).get(record.url) });

  const page = (taskId: string, url: string, extra: Partial<PageRecord> = {}): PageRecord => ({
    taskId,
    tenantId: TENANT,
    url,
    finalUrl: url,
    status: 200,
    contentType: 'text/html',
    bytes: 10,
    title: 'T',
    data: { price: '1' },
    depth: 0,
    durationMs: 5,
    ...extra,
  });

  it('writes one row per task and URL however often the page is stored, keeping its first fetch time', async () => {
    const task = randomUUID();
    await save(page(task, 'https://example.org/a', { contentHash: 'h1' }));
    const first = await prisma.page.findFirstOrThrow({ where: { taskId: task } });
    await save(page(task, 'https://example.org/a', { contentHash: 'h1', title: 'again', status: 404, error: 'HTTP 404' }));
    const rows = await prisma.page.findMany({ where: { taskId: task } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id: first.id, title: 'again', status: 404, error: 'HTTP 404', duplicateOf: null });
    expect(rows[0].fetchedAt).toEqual(first.fetchedAt);
  });

  it('points a page with the content of an earlier one at it, within the task only', async () => {
    const task = randomUUID();
    expect(await save(page(task, 'https://example.org/a', { contentHash: 'same' }))).toEqual({ duplicateOf: undefined });
    expect(await save(page(task, 'https://example.org/b', { contentHash: 'same' }))).toEqual({ duplicateOf: 'https://example.org/a' });
    expect(await save(page(task, 'https://example.org/c', { contentHash: 'other' }))).toEqual({ duplicateOf: undefined });
    expect(await save(page(randomUUID(), 'https://example.org/d', { contentHash: 'same' }))).toEqual({ duplicateOf: undefined });
    // stored again, the original stays the original
    expect(await save(page(task, 'https://example.org/a', { contentHash: 'same' }))).toEqual({ duplicateOf: undefined });
  });

  it('stores many pages in one statement, with nulls, and finds duplicates among earlier pages', async () => {
    const task = randomUUID();
    await save(page(task, 'https://example.org/a', { contentHash: 'same' }));
    const stored = await pages.saveMany([
      page(task, 'https://example.org/b', { contentHash: 'same' }),
      page(task, 'https://example.org/c', { contentHash: undefined, status: undefined, title: undefined, data: undefined, error: 'connect refused' }),
      page(task, 'https://example.org/d', { contentHash: 'new', data: { tags: ['x', 'y'], note: 'quote " and \\ backslash' } }),
    ]);
    expect([...stored]).toEqual([
      ['https://example.org/b', 'https://example.org/a'],
      ['https://example.org/c', undefined],
      ['https://example.org/d', undefined],
    ]);
    const rows = await prisma.page.findMany({ where: { taskId: task }, orderBy: { url: 'asc' } });
    expect(rows.map((r) => [r.url, r.status, r.title, r.error, r.data])).toEqual([
      ['https://example.org/a', 200, 'T', null, { price: '1' }],
      ['https://example.org/b', 200, 'T', null, { price: '1' }],
      ['https://example.org/c', null, null, 'connect refused', null],
      ['https://example.org/d', 200, 'T', null, { tags: ['x', 'y'], note: 'quote " and \\ backslash' }],
    ]);
    expect(await pages.saveMany([])).toEqual(new Map());
  });

  it('makes duplicate marks exact after the fact', async () => {
    const task = randomUUID();
    await save(page(task, 'https://example.org/a', { contentHash: 'x' }));
    await save(page(task, 'https://example.org/b', { contentHash: 'x' }));
    await prisma.page.updateMany({ where: { taskId: task }, data: { duplicateOf: null } }); // as if stored at the same moment
    expect(await pages.markDuplicates(task)).toBe(1);
    const rows = await prisma.page.findMany({ where: { taskId: task }, orderBy: { url: 'asc' } });
    expect(rows.map((r) => r.duplicateOf)).toEqual([null, 'https://example.org/a']);
    expect(await pages.markDuplicates(task)).toBe(0);
  });

  it('lists a tenant’s pages oldest first, page by page, without gaps or repeats', async () => {
    const task = randomUUID();
    for (let i = 0; i < 7; i++) {
      await save(page(task, `https://example.org/${i}`));
      // fetched_at has millisecond precision: two pages stored within one millisecond would tie (then id decides)
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    const seen: string[] = [];
    let after: { fetchedAt: Date; id: string } | undefined;
    for (;;) {
      const rows = await pages.list(TENANT, task, 3, after);
      seen.push(...rows.map((r) => r.url));
      if (rows.length < 3) break;
      after = rows[rows.length - 1];
    }
    expect(seen).toEqual(Array.from({ length: 7 }, (_, i) => `https://example.org/${i}`));
    expect(await pages.list(OTHER_TENANT, task, 10, undefined)).toEqual([]);
  });

  it('starts a crawl once and resumes the same one', async () => {
    const task = randomUUID();
    const first = await crawls.begin(task, TENANT, { startUrls: ['https://example.org/'] });
    expect(first).toMatchObject({ status: 'RUNNING', cancelRequested: false });
    await crawls.recordCounts(task, 3, 1);
    expect(await crawls.begin(task, TENANT, { startUrls: ['https://other.example/'] })).toMatchObject({ pagesDone: 3, pagesFailed: 1 });
    await expect(crawls.begin(task, OTHER_TENANT, {})).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('records a cancel that arrives before the crawl starts, and ignores one of another tenant', async () => {
    const task = randomUUID();
    await crawls.requestCancel(task, TENANT);
    expect(await crawls.begin(task, TENANT, { startUrls: ['https://example.org/'] })).toMatchObject({ status: 'RUNNING', cancelRequested: true });
    const running = randomUUID();
    await crawls.begin(running, TENANT, {});
    await crawls.requestCancel(running, OTHER_TENANT);
    expect(await crawls.isCancelRequested(running)).toBe(false);
    await crawls.requestCancel(running, TENANT);
    expect(await crawls.isCancelRequested(running)).toBe(true);
  });

  it('keeps the first outcome of a crawl', async () => {
    const task = randomUUID();
    await crawls.begin(task, TENANT, {});
    expect(await crawls.finish(task, 'SUCCEEDED', { pagesDone: 2, pagesFailed: 0 })).toBe(true);
    expect(await crawls.finish(task, 'FAILED', { pagesDone: 0, pagesFailed: 0 }, 'late')).toBe(false);
    expect(await crawls.find(task)).toMatchObject({ status: 'SUCCEEDED', pagesDone: 2, error: null });
  });
});
