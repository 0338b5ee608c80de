import { randomUUID } from 'node:crypto';
import { createPrismaClient, type PrismaClient } from '@sluice/database';
import { createMigratedTestDatabase, type TestDatabase } from '@sluice/database/testing';
import { FrontierRepository, type FrontierCandidate } from './frontier.repository';
import { PageRepository, type PageRecord } from './page.repository';

const candidate = (n: number, extra: Partial<FrontierCandidate> = {}): FrontierCandidate => ({
  url: `https://example.org/p/${n}`,
  fingerprint: `fp-${n}`,
  host: 'example.org',
  depth: 1,
  source: 'link',
  ...extra,
});

describe('FrontierRepository on PostgreSQL', () => {
  let database: TestDatabase;
  let prisma: PrismaClient;
  let frontier: FrontierRepository;

  beforeAll(async () => {
    database = await createMigratedTestDatabase();
    prisma = createPrismaClient(database.url);
    frontier = new FrontierRepository(prisma);
  }, 60_000);

  afterAll(async () => {
    await prisma?.$disconnect();
    await database?.dispose();
  });

  /** A crawl's row holds its frontier size: every task of these tests has one. */
  const newTask = async () => {
    const taskId = randomUUID();
    await prisma.crawl.create({ data: { taskId, tenantId: randomUUID(), spec: {} } });
    return taskId;
  };
  /** Settles one claimed entry; false if it was not FETCHING. */
  const settle = async (taskId: string, fingerprint: string, state: 'DONE' | 'FAILED' | 'SKIPPED', reason?: string) =>
    (await frontier.advance({ taskId, settlements: [{ fingerprint, state, reason }] })).settled === 1;

  const stateOf = async (taskId: string, fingerprint: string) =>
    prisma.frontierEntry.findUnique({ where: { taskId_fingerprint: { taskId, fingerprint } } });

  it('adds each URL once however often it is discovered', async () => {
    const task = await newTask();
    expect(await frontier.add(task, [candidate(1), candidate(2)], 100)).toBe(2);
    expect(await frontier.add(task, [candidate(2), candidate(3), candidate(1)], 100)).toBe(1);
    expect((await frontier.counts(task)).total).toBe(3);
    // another task has a frontier of its own
    expect(await frontier.add(await newTask(), [candidate(1)], 100)).toBe(1);
  });

  it('never holds more entries than the cap, and known URLs do not use up room', async () => {
    const task = await newTask();
    expect(await frontier.add(task, [1, 2, 3].map((n) => candidate(n)), 5)).toBe(3);
    expect(await frontier.add(task, [1, 2, 4, 5, 6, 7].map((n) => candidate(n)), 5)).toBe(2);
    const rows = await prisma.frontierEntry.findMany({ where: { taskId: task }, orderBy: { fingerprint: 'asc' } });
    expect(rows.map((r) => r.fingerprint)).toEqual(['fp-1', 'fp-2', 'fp-3', 'fp-4', 'fp-5']);
    expect(await frontier.add(task, [candidate(8)], 5)).toBe(0);
  });

  it('gives each due entry to exactly one of many concurrent claimers, shallowest first', async () => {
    const task = await newTask();
    await frontier.add(task, Array.from({ length: 40 }, (_, n) => candidate(n, { depth: n < 5 ? 0 : 2 })), 100);
    const first = await frontier.claim(task, 5, 60_000);
    expect(first.map((e) => e.depth)).toEqual([0, 0, 0, 0, 0]);
    expect(first[0]).toMatchObject({ attempts: 1, host: 'example.org', source: 'link' });
    const claims = await Promise.all(Array.from({ length: 8 }, () => frontier.claim(task, 10, 60_000)));
    const fingerprints = [...first, ...claims.flat()].map((e) => e.fingerprint);
    expect(fingerprints).toHaveLength(40);
    expect(new Set(fingerprints).size).toBe(40);
    expect(await frontier.claim(task, 10, 60_000)).toEqual([]);
    expect((await frontier.counts(task)).queued).toBe(40);
  });

  it('lets an entry whose lease ran out be claimed again (its process died)', async () => {
    const task = await newTask();
    await frontier.add(task, [candidate(1)], 10);
    expect(await frontier.claim(task, 1, 1)).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 20));
    const again = await frontier.claim(task, 1, 60_000);
    expect(again).toEqual([expect.objectContaining({ fingerprint: 'fp-1', attempts: 2 })]);
    expect(await frontier.claim(task, 1, 60_000)).toEqual([]);
  });

  it('settles only entries that are still being fetched, and is finished when none are open', async () => {
    const task = await newTask();
    await frontier.add(task, [1, 2, 3].map((n) => candidate(n, { source: n === 1 ? 'start' : 'link' })), 10);
    expect(await settle(task, 'fp-1', 'DONE')).toBe(false); // not claimed yet
    await frontier.claim(task, 3, 60_000);
    expect(await settle(task, 'fp-1', 'FAILED', 'HTTP 404')).toBe(true);
    expect(await settle(task, 'fp-2', 'DONE')).toBe(true);
    expect(await frontier.isFinished(task)).toBe(false);
    expect(await settle(task, 'fp-3', 'SKIPPED', 'disallowed by robots.txt')).toBe(true);
    expect(await settle(task, 'fp-3', 'DONE')).toBe(false); // already settled
    expect(await frontier.counts(task)).toEqual({ queued: 0, done: 1, failed: 1, skipped: 1, total: 3 });
    expect(await frontier.isFinished(task)).toBe(true);
    expect(await frontier.firstStartFailure(task)).toBe('https://example.org/p/1: HTTP 404');
    expect(await stateOf(task, 'fp-3')).toMatchObject({ state: 'SKIPPED', reason: 'disallowed by robots.txt', leaseUntil: null });
  });

  it('requeues with a not-before time, and only claims the entry once it is due', async () => {
    const task = await newTask();
    await frontier.add(task, [candidate(1)], 10);
    await frontier.claim(task, 1, 60_000);
    const notBefore = new Date(Date.now() + 60_000);
    expect(await frontier.retry(task, 'fp-1', notBefore, 'HTTP 429')).toBe(true);
    expect(await frontier.claim(task, 1, 60_000)).toEqual([]);
    expect((await frontier.nextDueAt(task))?.getTime()).toBe(notBefore.getTime());
    expect(await frontier.isFinished(task)).toBe(false);
    await prisma.frontierEntry.update({ where: { taskId_fingerprint: { taskId: task, fingerprint: 'fp-1' } }, data: { notBefore: new Date(Date.now() - 1) } });
    expect(await frontier.claim(task, 1, 60_000)).toEqual([expect.objectContaining({ attempts: 2 })]);
  });

  it('hands entries back without counting the attempt', async () => {
    const task = await newTask();
    await frontier.add(task, [candidate(1), candidate(2)], 10);
    await frontier.claim(task, 2, 60_000);
    expect(await frontier.release(task, ['fp-1'])).toBe(1);
    expect(await stateOf(task, 'fp-1')).toMatchObject({ state: 'QUEUED', attempts: 0 });
    expect(await frontier.releaseAll(task)).toBe(1);
    expect(await stateOf(task, 'fp-2')).toMatchObject({ state: 'QUEUED', attempts: 1, leaseUntil: null });
    expect(await frontier.claim(task, 5, 60_000)).toHaveLength(2);
  });

  it('holds the cap when many writers add at once', async () => {
    const task = await newTask();
    const added = await Promise.all(Array.from({ length: 8 }, (_, w) => frontier.add(task, Array.from({ length: 10 }, (_, n) => candidate(w * 10 + n)), 25)));
    expect(added.reduce((a, b) => a + b, 0)).toBe(25);
    expect((await frontier.counts(task)).total).toBe(25);
    expect((await prisma.crawl.findUniqueOrThrow({ where: { taskId: task } })).frontierSize).toBe(25);
  });

  it('stores links and settles their page’s entry in one step', async () => {
    const task = await newTask();
    await frontier.add(task, [candidate(1), candidate(2)], 10);
    await frontier.claim(task, 2, 60_000);
    const result = await frontier.advance({
      taskId: task,
      candidates: [candidate(3), candidate(4), candidate(1)],
      cap: 10,
      settlements: [
        { fingerprint: 'fp-1', state: 'DONE' },
        { fingerprint: 'fp-2', state: 'FAILED', reason: 'HTTP 500' },
      ],
    });
    expect(result).toMatchObject({ added: 2, settled: 2 });
    expect(await frontier.counts(task)).toEqual({ queued: 2, done: 1, failed: 1, skipped: 0, total: 4 });
    expect(await stateOf(task, 'fp-2')).toMatchObject({ state: 'FAILED', reason: 'HTTP 500' });
  });

  it('refuses to add to the frontier of a crawl that was never begun', async () => {
    await expect(frontier.add(randomUUID(), [candidate(1)], 10)).rejects.toThrow(/begin it/);
  });

  it('claims entries whose lease ran out before queued ones', async () => {
    const task = await newTask();
    await frontier.add(task, [candidate(1, { depth: 3 })], 10);
    await frontier.claim(task, 1, 1);
    await frontier.add(task, [candidate(2, { depth: 0 })], 10);
    await new Promise((r) => setTimeout(r, 20));
    expect((await frontier.claim(task, 1, 60_000)).map((e) => e.fingerprint)).toEqual(['fp-1']);
    expect((await frontier.claim(task, 1, 60_000)).map((e) => e.fingerprint)).toEqual(['fp-2']);
  });

  it('stores pages with their links and settlement in one statement, and skips links of a duplicate page', async () => {
    const task = await newTask();
    const pages = new PageRepository(prisma);
    const page = (n: number, hash: string): PageRecord => ({ taskId: task, tenantId: randomUUID(), url: candidate(n).url, status: 200, contentHash: hash, depth: 1 });
    await frontier.add(task, [candidate(1), candidate(2), candidate(3)], 10);
    await pages.saveMany([page(1, 'original')]);
    await frontier.claim(task, 3, 60_000);
    const result = await frontier.advance({
      taskId: task,
      cap: 10,
      candidates: [
        { ...candidate(10), foundOn: candidate(2).url }, // only on the duplicate: not added
        { ...candidate(11), foundOn: candidate(2).url }, // on both: added, from page 3
        { ...candidate(11), foundOn: candidate(3).url },
        { ...candidate(12), foundOn: candidate(3).url },
      ],
      settlements: [2, 3].map((n) => ({ fingerprint: `fp-${n}`, state: 'DONE' as const })),
      pages: pages.insertStatement([page(2, 'original'), page(3, 'fresh')]),
    });
    expect(result).toEqual({ added: 2, settled: 2, stored: new Map([[candidate(2).url, candidate(1).url], [candidate(3).url, undefined]]) });
    const entries = await prisma.frontierEntry.findMany({ where: { taskId: task }, orderBy: { fingerprint: 'asc' } });
    expect(entries.map((e) => [e.fingerprint, e.state])).toEqual([
      ['fp-1', 'FETCHING'],
      ['fp-11', 'QUEUED'],
      ['fp-12', 'QUEUED'],
      ['fp-2', 'DONE'],
      ['fp-3', 'DONE'],
    ]);
    expect(await prisma.page.count({ where: { taskId: task } })).toBe(3);
  });
});
