import type { KeysetPosition } from '@sluice/contracts';
import { Prisma, type Page, type PrismaClient } from '@sluice/database';

/** What one fetch of one URL produced. */
export interface PageRecord {
  readonly taskId: string;
  readonly tenantId: string;
  readonly url: string;
  readonly finalUrl?: string;
  /** undefined when the fetch failed before a response */
  readonly status?: number;
  readonly contentType?: string;
  readonly bytes?: number;
  readonly title?: string;
  readonly data?: Record<string, unknown>;
  readonly error?: string;
  readonly contentHash?: string;
  readonly depth: number;
  readonly durationMs?: number;
}

export type PageRow = Page;

/** Fetched pages in `scraper.pages`, one row per (task, URL) however often the URL is stored. */
export class PageRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /**
   * Stores the pages, each replacing an earlier row of the same task and URL (a redelivered job
   * writes the same row again, never a second one; the first fetch time is kept, so page order is
   * stable). All pages must belong to one task and one tenant and have distinct URLs. Returns, per
   * URL, the URL of a page of the task with the same content stored before this statement, if any
   * (pages stored together do not see each other; `markDuplicates` settles that at the end).
   */
  async saveMany(pages: readonly PageRecord[]): Promise<Map<string, string | undefined>> {
    if (pages.length === 0) return new Map();
    const rows = await this.prisma.$queryRaw<{ url: string; duplicate_of: string | null }[]>(this.insertStatement(pages));
    return new Map(rows.map((row) => [row.url, row.duplicate_of ?? undefined]));
  }

  /** The statement of `saveMany`, returning (url, duplicate_of) per page, to run inside a larger one. */
  insertStatement(pages: readonly PageRecord[]): Prisma.Sql {
    const [first] = pages;
    const taskId = first?.taskId ?? null;
    const column = <T>(pick: (page: PageRecord) => T | undefined): (T | null)[] => pages.map((page) => pick(page) ?? null);
    return Prisma.sql`
      INSERT INTO scraper.pages (id, task_id, tenant_id, url, final_url, status, content_type, bytes, title, data, error, content_hash, duplicate_of, depth, duration_ms)
      SELECT gen_random_uuid(), ${taskId}::uuid, ${first?.tenantId ?? null}::uuid, p.url, p.final_url, p.status, p.content_type, p.bytes, p.title, p.data::jsonb, p.error, p.content_hash,
             (SELECT o.url FROM scraper.pages o
              WHERE o.task_id = ${taskId}::uuid AND o.content_hash = p.content_hash AND o.url <> p.url
                AND NOT EXISTS (SELECT 1 FROM scraper.pages self WHERE self.task_id = ${taskId}::uuid AND self.url = p.url
                                AND (self.fetched_at, self.id) < (o.fetched_at, o.id))
              ORDER BY o.fetched_at, o.id LIMIT 1),
             p.depth, p.duration_ms
      FROM unnest(${column((p) => p.url)}::text[], ${column((p) => p.finalUrl)}::text[], ${column((p) => p.status)}::int[], ${column((p) => p.contentType)}::text[],
                  ${column((p) => p.bytes)}::int[], ${column((p) => p.title)}::text[], ${column((p) => (p.data === undefined ? undefined : JSON.stringify(p.data)))}::text[],
                  ${column((p) => p.error)}::text[], ${column((p) => p.contentHash)}::text[], ${column((p) => p.depth)}::int[], ${column((p) => p.durationMs)}::int[])
           WITH ORDINALITY AS p(url, final_url, status, content_type, bytes, title, data, error, content_hash, depth, duration_ms, ord)
      ORDER BY p.ord
      ON CONFLICT (task_id, url) DO UPDATE SET
        final_url = EXCLUDED.final_url, status = EXCLUDED.status, content_type = EXCLUDED.content_type, bytes = EXCLUDED.bytes,
        title = EXCLUDED.title, data = EXCLUDED.data, error = EXCLUDED.error, content_hash = EXCLUDED.content_hash,
        duplicate_of = EXCLUDED.duplicate_of, depth = EXCLUDED.depth, duration_ms = EXCLUDED.duration_ms
      RETURNING url, duplicate_of`;
  }

  /**
   * Makes `duplicate_of` exact for the whole task: within each content hash the first page fetched
   * is the original, every other one points at it (pages stored at the same moment may each have
   * missed the other). Returns how many rows changed.
   */
  markDuplicates(taskId: string): Promise<number> {
    return this.prisma.$executeRaw`
      UPDATE scraper.pages p SET duplicate_of = CASE WHEN p.url = o.url THEN NULL ELSE o.url END
      FROM (
        SELECT DISTINCT ON (content_hash) content_hash, url FROM scraper.pages
        WHERE task_id = ${taskId}::uuid AND content_hash IS NOT NULL
        ORDER BY content_hash, fetched_at, id
      ) o
      WHERE p.task_id = ${taskId}::uuid AND p.content_hash = o.content_hash
        AND p.duplicate_of IS DISTINCT FROM (CASE WHEN p.url = o.url THEN NULL ELSE o.url END)`;
  }

  /** The tenant's pages of a task, oldest fetch first; `after` is the last page of the previous page. */
  list(tenantId: string, taskId: string, limit: number, after: KeysetPosition<'fetchedAt'> | undefined): Promise<PageRow[]> {
    return this.prisma.page.findMany({
      where: {
        tenantId,
        taskId,
        ...(after ? { OR: [{ fetchedAt: { gt: after.fetchedAt } }, { fetchedAt: after.fetchedAt, id: { gt: after.id } }] } : {}),
      },
      orderBy: [{ fetchedAt: 'asc' }, { id: 'asc' }],
      take: limit,
    });
  }
}
