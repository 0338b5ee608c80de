import type { PrismaClient } from '@sluice/database';
import { HostBreakers, HostPoliteness, RobotsCache } from '@sluice/crawl';
import { SafeFetcher, type SafeFetchOptions } from '@sluice/safe-fetch';
import type { Redis } from 'ioredis';
import type { Registry } from 'prom-client';
import { CrawlEngine } from './crawl-engine';
import type { CrawlEngineOptions, CrawlLogger } from './crawl-engine-options';
import { CrawlMetrics } from './crawl-metrics';
import { CrawlRepository } from './crawl.repository';
import { FrontierRepository } from './frontier.repository';
import { PageRepository } from './page.repository';

export interface CrawlEngineSetup extends CrawlEngineOptions {
  readonly prisma: PrismaClient;
  /** shared by robots.txt cache and host politeness: what makes them common to every replica */
  readonly redis: Redis;
  /** first part of every Redis key */
  readonly redisPrefix: string;
  readonly registry?: Registry;
  readonly logger?: CrawlLogger;
  /** limits of page fetches beyond the defaults of safe-fetch */
  readonly fetch?: Omit<SafeFetchOptions, 'userAgent' | 'allowlist'>;
}

export interface AssembledCrawlEngine {
  readonly engine: CrawlEngine;
  readonly crawls: CrawlRepository;
  readonly pages: PageRepository;
  /** Stops host slot renewals and closes the fetcher's connections (the Redis and Prisma clients stay open). */
  close(): Promise<void>;
}

/** The crawl engine with its real collaborators: safe-fetch, robots.txt cache, politeness and breakers per host, PostgreSQL storage. */
export function createCrawlEngine(setup: CrawlEngineSetup): AssembledCrawlEngine {
  const fetcher = new SafeFetcher({ ...setup.fetch, userAgent: setup.userAgent, allowlist: setup.allowlist });
  const robots = new RobotsCache({
    redis: setup.redis,
    keyPrefix: setup.redisPrefix,
    userAgent: setup.userAgent,
    fetchRobots: async (robotsUrl, signal) => {
      const res = await fetcher.fetch(robotsUrl, { signal });
      return { status: res.status, body: res.body.toString('utf8') };
    },
    onError: (error, robotsUrl) => setup.logger?.warn({ robotsUrl, err: error }, 'robots.txt cache problem'),
  });
  const politeness = new HostPoliteness({
    redis: setup.redis,
    keyPrefix: setup.redisPrefix,
    defaultRequestsPerSecond: setup.defaults.requestsPerSecondPerHost,
    defaultConcurrency: setup.defaults.concurrencyPerHost,
  });
  const breakers = new HostBreakers({ registry: setup.registry });
  const crawls = new CrawlRepository(setup.prisma);
  const pages = new PageRepository(setup.prisma);
  const engine = new CrawlEngine(
    {
      frontier: new FrontierRepository(setup.prisma),
      crawls,
      pages,
      fetcher,
      robots,
      politeness,
      breakers,
      metrics: setup.registry ? CrawlMetrics.for(setup.registry) : undefined,
      logger: setup.logger,
    },
    setup,
  );
  return {
    engine,
    crawls,
    pages,
    close: async () => {
      politeness.close();
      await fetcher.close();
    },
  };
}
