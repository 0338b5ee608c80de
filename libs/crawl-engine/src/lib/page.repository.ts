import type { KeysetPosition } from '@sluice/contracts';
import type { Page, PrismaClient } from '@sluice/database';

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
   * Stores the page, replacing an earlier row of the same task and URL (a redelivered job writes
   * the same row again, never a second one; the first fetch time is kept, so page order is stable).
   * Returns the URL of a page of the task with the same content fetched before this one, if any.
   */
  async save(page: PageRecord): Promise<{ duplicateOf: string | undefined }> {
    const data = page.data === undefined ? null : JSON.stringify(page.data);
    const hash = page.contentHash ?? null;
    const rows = await this.prisma.$queryRaw<{ duplicate_of: string | null }[]>`
      INSERT INTO scraper.pages (id, task_id, tenant_id, url, final_url, status, content_type, bytes, title, data, error, content_hash, duplicate_of, depth, duration_ms)
      VALUES (gen_random_uuid(), ${page.taskId}::uuid, ${page.tenantId}::uuid, ${page.url}, ${page.finalUrl ?? null}, ${page.status ?? null}::int,
              ${page.contentType ?? null}, ${page.bytes ?? null}::int, ${page.title ?? null}, ${data}::jsonb, ${page.error ?? null}, ${hash},
              (SELECT p.url FROM scraper.pages p
               WHERE p.task_id = ${page.taskId}::uuid AND p.content_hash = ${hash} AND p.url <> ${page.url}
                 AND NOT EXISTS (SELECT 1 FROM scraper.pages self WHERE self.task_id = ${page.taskId}::uuid AND self.url = ${page.url}
                                 AND (self.fetched_at, self.id) < (p.fetched_at, p.id))
               ORDER BY p.fetched_at, p.id LIMIT 1),
              ${page.depth}::int, ${page.durationMs ?? null}::int)
      ON CONFLICT (task_id, url) DO UPDATE SET
        final_url = EXCLUDED.final_url, status = EXCLUDED.status, content_type = EXCLUDED.content_type, bytes = EXCLUDED.bytes,
        title = EXCLUDED.title, data = EXCLUDED.data, error = EXCLUDED.error, content_hash = EXCLUDED.content_hash,
        duplicate_of = EXCLUDED.duplicate_of, depth = EXCLUDED.depth, duration_ms = EXCLUDED.duration_ms
      RETURNING duplicate_of`;
    return { duplicateOf: rows[0]?.duplicate_of ?? undefined };
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
