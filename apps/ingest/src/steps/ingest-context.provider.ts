import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { ServiceConfig } from '@sluice/config';
import type { IngestContext } from '@sluice/ingest';
import { SERVICE_CONFIG } from '@sluice/runtime';
import { SafeFetcher } from '@sluice/safe-fetch';
import { createWarehousePool } from '@sluice/warehouse';
import type { Pool } from 'pg';
import { ScraperPagesClient } from './scraper-pages.client';

/** Longest CSV record or NDJSON line: far above real rows, low enough that one bad row cannot exhaust memory. */
const MAX_ROW_BYTES = 8 * 1024 * 1024;

/**
 * What ingest steps run with: a `pg` pool (COPY needs raw connections, so not Prisma), the
 * SSRF-guarded fetcher with the configured limits, and the scraper's page listing. Closed on
 * shutdown, after the worker has stopped.
 */
@Injectable()
export class IngestContextProvider implements OnApplicationShutdown {
  readonly context: IngestContext;
  private readonly pool: Pool;
  private readonly fetcher: SafeFetcher;

  constructor(@Inject(SERVICE_CONFIG) config: ServiceConfig, scraper: ScraperPagesClient) {
    const ingest = config.ingest;
    if (!ingest || !config.databaseUrl) throw new Error('the ingest service needs its ingest configuration and DATABASE_URL');
    // Two connections per running step (rows and rejects are copied at the same time).
    this.pool = createWarehousePool(config, { max: 4, connectionTimeoutMillis: 10_000, idleTimeoutMillis: 30_000 });
    this.fetcher = new SafeFetcher({
      userAgent: 'SluiceIngest/0.1',
      allowlist: ingest.httpAllowlist,
      totalTimeoutMs: ingest.httpTimeoutMs,
      bodyTimeoutMs: Math.min(60_000, ingest.httpTimeoutMs),
      maxBodyBytes: ingest.httpMaxBytes,
      maxDecodedBytes: ingest.httpMaxBytes,
    });
    this.context = {
      pool: this.pool,
      fileRoot: ingest.fileRoot,
      fetcher: this.fetcher,
      listPages: (request, signal) => scraper.listPages(request, signal),
      maxRowBytes: MAX_ROW_BYTES,
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([this.pool.end(), this.fetcher.close()]);
  }
}
