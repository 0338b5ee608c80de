import type { Metadata } from '@grpc/grpc-js';
import { Controller, Inject } from '@nestjs/common';
import { parseOrThrow, scraperV1, toTimestamp } from '@sluice/contracts';
import type { PrismaClient } from '@sluice/database';
import { readCallContext } from '@sluice/grpc';
import { PRISMA } from '@sluice/runtime';
import { z } from 'zod';

const Request = z.object({
  taskId: z.uuid({ error: 'must be a UUID' }),
  limit: z.int().min(0).max(500).transform((n) => n || 50),
});

@Controller()
@scraperV1.ScraperServiceControllerMethods()
export class PagesGrpcController implements scraperV1.ScraperServiceController {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  async listPages(request: scraperV1.ListPagesRequest, metadata: Metadata): Promise<scraperV1.ListPagesResponse> {
    const { tenantId } = readCallContext(metadata);
    const { taskId, limit } = parseOrThrow(Request, request);
    const rows = await this.prisma.page.findMany({ where: { tenantId, taskId }, orderBy: { fetchedAt: 'asc' }, take: limit });
    return {
      pages: rows.map((p) => ({
        url: p.url,
        finalUrl: p.finalUrl ?? '',
        status: p.status ?? 0,
        fetchedAt: toTimestamp(p.fetchedAt),
        contentType: p.contentType ?? '',
        bytes: p.bytes ?? 0,
        title: p.title ?? '',
        data: (p.data as Record<string, unknown> | null) ?? undefined,
        error: p.error ?? '',
      })),
      nextCursor: '',
    };
  }
}
