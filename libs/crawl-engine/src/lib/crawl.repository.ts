import { Prisma, type PrismaClient } from '@sluice/database';
import { CrawlTenantMismatchError } from './crawl-errors';

export type CrawlStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';

export interface CrawlState {
  readonly taskId: string;
  readonly tenantId: string;
  readonly status: CrawlStatus;
  readonly cancelRequested: boolean;
  readonly error: string | null;
  readonly pagesDone: number;
  readonly pagesFailed: number;
}

const STATE_COLUMNS = Prisma.raw(
  'task_id AS "taskId", tenant_id AS "tenantId", status::text AS status, cancel_requested AS "cancelRequested", error, pages_done AS "pagesDone", pages_failed AS "pagesFailed"',
);

/** One row per crawled task in `scraper.crawls`: its state, the cancel flag and its counters. */
export class CrawlRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /**
   * The task's crawl, created RUNNING with this spec unless it exists (a redelivered job resumes
   * the crawl it started; a cancel that arrived first left a row with the flag set).
   */
  async begin(taskId: string, tenantId: string, spec: object): Promise<CrawlState> {
    // One round trip: the new row, or else the one there before this statement began.
    const rows = await this.prisma.$queryRaw<CrawlState[]>`
      WITH inserted AS (
        INSERT INTO scraper.crawls (task_id, tenant_id, spec, updated_at)
        VALUES (${taskId}::uuid, ${tenantId}::uuid, ${JSON.stringify(spec)}::jsonb, now())
        ON CONFLICT (task_id) DO NOTHING
        RETURNING ${STATE_COLUMNS}
      )
      SELECT * FROM inserted
      UNION ALL
      SELECT ${STATE_COLUMNS} FROM scraper.crawls WHERE task_id = ${taskId}::uuid AND NOT EXISTS (SELECT 1 FROM inserted)`;
    // a row another process inserted after this statement began is not in its snapshot
    const row = rows[0] ?? (await this.find(taskId));
    if (!row || row.tenantId !== tenantId) throw new CrawlTenantMismatchError(taskId);
    return row;
  }

  async find(taskId: string): Promise<CrawlState | null> {
    return this.prisma.crawl.findUnique({
      where: { taskId },
      select: { taskId: true, tenantId: true, status: true, cancelRequested: true, error: true, pagesDone: true, pagesFailed: true },
    });
  }

  async isCancelRequested(taskId: string): Promise<boolean> {
    const row = await this.prisma.crawl.findUnique({ where: { taskId }, select: { cancelRequested: true } });
    return row?.cancelRequested ?? false;
  }

  /**
   * Sets the cancel flag of the tenant's task, creating the row when the job has not started yet
   * (its crawl then ends before it begins). A row of another tenant is left alone.
   */
  async requestCancel(taskId: string, tenantId: string): Promise<void> {
    await this.prisma.$executeRaw`
      INSERT INTO scraper.crawls (task_id, tenant_id, spec, cancel_requested, updated_at)
      VALUES (${taskId}::uuid, ${tenantId}::uuid, '{}'::jsonb, true, now())
      ON CONFLICT (task_id) DO UPDATE SET cancel_requested = true, updated_at = now()
      WHERE scraper.crawls.tenant_id = EXCLUDED.tenant_id`;
  }

  async recordCounts(taskId: string, pagesDone: number, pagesFailed: number): Promise<void> {
    await this.prisma.crawl.updateMany({ where: { taskId, status: 'RUNNING' }, data: { pagesDone, pagesFailed } });
  }

  /** Ends a RUNNING crawl; an ended one keeps its first outcome. Returns whether this call ended it. */
  async finish(taskId: string, status: Exclude<CrawlStatus, 'RUNNING'>, counts: { pagesDone: number; pagesFailed: number }, error?: string): Promise<boolean> {
    const { count } = await this.prisma.crawl.updateMany({
      where: { taskId, status: 'RUNNING' },
      data: { status, ...counts, error: error ?? null, finishedAt: new Date() },
    });
    return count === 1;
  }
}
