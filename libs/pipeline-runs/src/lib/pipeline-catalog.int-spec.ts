import { InvalidArgumentError } from '@sluice/contracts';
import { createPrismaClient, type PrismaClient } from '@sluice/database';
import { createMigratedTestDatabase, type TestDatabase } from '@sluice/database/testing';
import { loadCheckCleanPipeline } from '../testing';
import { PipelineCatalog } from './pipeline-catalog';
import { PipelineRepository } from './pipeline.repository';

const TENANT = '55555555-5555-4555-8555-555555555555';
const OTHER_TENANT = '66666666-6666-4666-8666-666666666666';

describe('listing pipelines page by page on PostgreSQL', () => {
  let database: TestDatabase;
  let prisma: PrismaClient;
  let catalog: PipelineCatalog;

  beforeAll(async () => {
    database = await createMigratedTestDatabase();
    prisma = createPrismaClient(database.url);
    catalog = new PipelineCatalog(new PipelineRepository(prisma));
  }, 60_000);

  afterAll(async () => {
    await prisma?.$disconnect();
    await database?.dispose();
  });

  const put = (tenantId: string, name: string, extra = '') => catalog.put(tenantId, name, loadCheckCleanPipeline(name, extra), 'yaml', 'user-1');
  /** A step more, so the definition (and its hash) changes and the put stores a new version. */
  const extraStep = (tag: string) => `  - id: extra_${tag}
    kind: transform
    inputs: [load]
    sql: "select title from {{ ref('load') }}"
    output: { table: extra_${tag}, mode: replace }
`;

  /** When each pipeline was first stored: what the list is ordered by, newest first. */
  async function firstStored(tenantId: string): Promise<Map<string, number>> {
    const rows = await prisma.pipeline.findMany({ where: { tenantId, version: 1 }, select: { name: true, createdAt: true } });
    return new Map(rows.map((row) => [row.name, row.createdAt.getTime()]));
  }

  /** Each name once, all of them, newest first (pipelines stored in the same millisecond in either order). */
  async function expectEachOnceNewestFirst(tenantId: string, listed: string[], names: string[]) {
    expect([...listed].sort()).toEqual([...names].sort());
    const stored = await firstStored(tenantId);
    const times = listed.map((name) => stored.get(name) ?? Number.NaN);
    expect(times).toEqual([...times].sort((a, b) => b - a));
  }

  /** Every page from the first, with the cursor each one answered. */
  async function allPages(tenantId: string, limit: number, between: (page: number) => Promise<void> = async () => undefined) {
    const pages: { names: string[]; versions: number[]; nextCursor: string }[] = [];
    let cursor = '';
    do {
      const { pipelines, nextCursor } = await catalog.list(tenantId, limit, cursor);
      pages.push({ names: pipelines.map((p) => p.name), versions: pipelines.map((p) => p.version), nextCursor });
      await between(pages.length);
      cursor = nextCursor;
    } while (cursor !== '' && pages.length < 20);
    return pages;
  }

  it('pages through more pipelines than fit on a page: each once, newest first, at its latest version, none of another tenant', async () => {
    const names = Array.from({ length: 8 }, (_, i) => `paged-${i}`);
    for (const name of names) await put(TENANT, name);
    expect(await put(TENANT, 'paged-2', extraStep('v2'))).toMatchObject({ version: 2, created: true });
    await put(OTHER_TENANT, 'paged-foreign');

    const pages = await allPages(TENANT, 3);
    expect(pages.map((p) => p.names.length)).toEqual([3, 3, 2]);
    const listed = pages.flatMap((p) => p.names);
    await expectEachOnceNewestFirst(TENANT, listed, names);
    expect(pages.flatMap((p) => p.versions)).toEqual(listed.map((name) => (name === 'paged-2' ? 2 : 1)));
    expect(pages.at(-1)?.nextCursor).toBe('');
  });

  it('keeps its order while pipelines get new versions between pages: no pipeline twice, none left out', async () => {
    const tenant = '77777777-7777-4777-8777-777777777777';
    const names = Array.from({ length: 5 }, (_, i) => `stable-${i}`);
    for (const name of names) await put(tenant, name);
    // after each page, the pipeline seen last and one not seen yet change
    const pages = await allPages(tenant, 2, async (page) => {
      await put(tenant, names[5 - 2 * page] ?? names[0], extraStep(`a${page}`));
      await put(tenant, names[0], extraStep(`b${page}`));
    });
    await expectEachOnceNewestFirst(tenant, pages.flatMap((p) => p.names), names);
    // the changes were real: the oldest pipeline got a version per page
    expect(pages.at(-1)?.versions.at(-1)).toBeGreaterThan(1);
  });

  it('answers a full last page with a cursor whose page is empty', async () => {
    const tenant = '88888888-8888-4888-8888-888888888888';
    for (const name of ['full-a', 'full-b']) await put(tenant, name);
    const first = await catalog.list(tenant, 2, '');
    expect(first.pipelines.map((p) => p.name).sort()).toEqual(['full-a', 'full-b']);
    expect(await catalog.list(tenant, 2, first.nextCursor)).toEqual({ pipelines: [], nextCursor: '' });
  });

  it.each(['not-a-cursor', Buffer.from(JSON.stringify({ c: 'yesterday', i: 'x' })).toString('base64url')])('refuses the cursor %s naming the cursor field', async (cursor) => {
    const refused = catalog.list(TENANT, 3, cursor);
    await expect(refused).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(refused).rejects.toMatchObject({ violations: [expect.objectContaining({ path: 'cursor' })] });
  });
});
