import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { readServiceVersion, type ServiceConfig } from '@sluice/config';
import { createCrawlEngine, crawlerUserAgent, DEFAULT_CRAWL_LIMITS, type AssembledCrawlEngine } from '@sluice/crawl-engine';
import type { PrismaClient } from '@sluice/database';
import { LOGGER, PRISMA, REDIS, SERVICE_CONFIG } from '@sluice/runtime';
import { METRICS_REGISTRY, type Logger } from '@sluice/telemetry';
import type { Redis } from 'ioredis';
import type { Registry } from 'prom-client';

/** The crawl engine of this replica, built from the service's configuration; closed at shutdown. */
@Injectable()
export class CrawlRuntime implements OnApplicationShutdown {
  readonly assembled: AssembledCrawlEngine;

  constructor(
    @Inject(SERVICE_CONFIG) config: ServiceConfig,
    @Inject(PRISMA) prisma: PrismaClient,
    @Inject(REDIS) redis: Redis,
    @Inject(METRICS_REGISTRY) registry: Registry,
    @Inject(LOGGER) logger: Logger,
  ) {
    const scraper = config.scraper!;
    this.assembled = createCrawlEngine({
      prisma,
      redis,
      redisPrefix: config.redisPrefix,
      registry,
      logger,
      userAgent: crawlerUserAgent(readServiceVersion(), scraper.contactUrl),
      allowlist: scraper.fetchAllowlist,
      concurrency: scraper.concurrency,
      defaults: { ...DEFAULT_CRAWL_LIMITS, requestsPerSecondPerHost: scraper.hostRequestsPerSecond, concurrencyPerHost: scraper.hostConcurrency },
    });
  }

  get engine() {
    return this.assembled.engine;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.assembled.close();
  }
}
