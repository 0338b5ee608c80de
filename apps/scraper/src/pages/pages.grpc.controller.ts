import type { Metadata } from '@grpc/grpc-js';
import { Controller, Inject } from '@nestjs/common';
import { keysetCursor, NotFoundError, parseOrThrow, scraperV1, toTimestamp } from '@sluice/contracts';
import { type PageRow } from '@sluice/crawl-engine';
import { readCallContext } from '@sluice/grpc';
import { z } from 'zod';
import { CrawlRuntime } from '../crawl/crawl-runtime';

/** Pages are listed oldest fetch first. */
const pageCursor = keysetCursor('fetchedAt');

const Request = z.object({
  taskId: z.uuid({ error: 'must be a UUID' }),
  limit: z.int().min(0).max(500).transform((n) => n || 50),
  cursor: z.string().max(512),
});

function toPageMessage(p: PageRow): scraperV1.Page {
  return {
    url: p.url,
    finalUrl: p.finalUrl ?? '',
    status: p.status ?? 0,
    fetchedAt: toTimestamp(p.fetchedAt),
    contentType: p.contentType ?? '',
    bytes: p.bytes ?? 0,
    title: p.title ?? '',
    data: (p.data as Record<string, unknown> | null) ?? undefined,
    error: p.error ?? '',
  };
}

@Controller()
@scraperV1.ScraperServiceControllerMethods()
export class PagesGrpcController implements scraperV1.ScraperServiceController {
  constructor(@Inject(CrawlRuntime) private readonly runtime: CrawlRuntime) {}

  /** The tenant's pages of a task, oldest fetch first; a task crawled for another tenant is NOT_FOUND. */
  async listPages(request: scraperV1.ListPagesRequest, metadata: Metadata): Promise<scraperV1.ListPagesResponse> {
    const { tenantId } = readCallContext(metadata);
    const { taskId, limit, cursor } = parseOrThrow(Request, request);
    const after = pageCursor.decode(cursor);
    const { crawls, pages } = this.runtime.assembled;
    const crawl = await crawls.find(taskId);
    if (crawl && crawl.tenantId !== tenantId) throw new NotFoundError('task');
    const rows = await pages.list(tenantId, taskId, limit, after);
    return { pages: rows.map(toPageMessage), nextCursor: pageCursor.next(rows, limit) ?? '' };
  }
}
