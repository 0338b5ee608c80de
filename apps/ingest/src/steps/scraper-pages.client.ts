import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { ClientProxyFactory, type ClientGrpcProxy } from '@nestjs/microservices';
import type { ServiceConfig } from '@sluice/config';
import { GRPC_SERVICES, scraperV1, timestampToIso } from '@sluice/contracts';
import { callMetadata, callUpstream, grpcClientOptions } from '@sluice/grpc';
import type { PageBatch } from '@sluice/ingest';
import { SERVICE_CONFIG } from '@sluice/runtime';

const PAGE_BATCH = 500;
const CALL_TIMEOUT_MS = 30_000;

/** Reads a crawl task's pages from the scraper, as an internal call on behalf of the job's tenant. */
@Injectable()
export class ScraperPagesClient implements OnModuleDestroy {
  private readonly proxy: ClientGrpcProxy;
  private readonly client: scraperV1.ScraperServiceClient;

  constructor(@Inject(SERVICE_CONFIG) private readonly config: ServiceConfig) {
    const address = config.ingest?.scraperAddress;
    if (!address) throw new Error('the ingest configuration has no scraper address');
    this.proxy = ClientProxyFactory.create(grpcClientOptions(GRPC_SERVICES.scraper, address)) as unknown as ClientGrpcProxy;
    this.client = this.proxy.getService<scraperV1.ScraperServiceClient>(scraperV1.SCRAPER_SERVICE_NAME);
  }

  async listPages(request: { tenantId: string; taskId: string; cursor: string }, signal?: AbortSignal): Promise<PageBatch> {
    const metadata = callMetadata(this.config.internalToken, { tenantId: request.tenantId });
    const deadline = AbortSignal.timeout(CALL_TIMEOUT_MS);
    const call = this.client.listPages({ taskId: request.taskId, limit: PAGE_BATCH, cursor: request.cursor }, metadata);
    const response = await callUpstream(call, signal ? AbortSignal.any([signal, deadline]) : deadline);
    return {
      nextCursor: response.nextCursor,
      pages: response.pages.map((page) => ({
        url: page.url,
        finalUrl: page.finalUrl,
        status: page.status,
        fetchedAt: timestampToIso(page.fetchedAt),
        contentType: page.contentType,
        bytes: page.bytes,
        title: page.title,
        data: page.data,
      })),
    };
  }

  onModuleDestroy(): void {
    this.proxy.close();
  }
}
