import type { HostBreakers, HostPoliteness, RobotsCache, SitemapLimits } from '@sluice/crawl';
import type { SafeFetcher } from '@sluice/safe-fetch';
import type { CrawlMetrics } from './crawl-metrics';
import type { CrawlDefaults } from './crawl-plan';
import type { CrawlRepository } from './crawl.repository';
import type { FrontierRepository } from './frontier.repository';
import type { PageRepository } from './page.repository';

/** Where the engine logs (pino's shape, so a service's logger fits). */
export interface CrawlLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

/** The engine's collaborators: storage, and the crawl building blocks of @sluice/crawl. */
export interface CrawlEngineDeps {
  readonly frontier: FrontierRepository;
  readonly crawls: CrawlRepository;
  readonly pages: PageRepository;
  readonly fetcher: Pick<SafeFetcher, 'fetch'>;
  readonly robots: Pick<RobotsCache, 'rulesFor'>;
  readonly politeness: Pick<HostPoliteness, 'acquire' | 'penalize'>;
  readonly breakers: Pick<HostBreakers, 'fire'>;
  readonly metrics?: CrawlMetrics;
  readonly logger?: CrawlLogger;
}

export interface CrawlEngineOptions {
  readonly defaults: CrawlDefaults;
  /** fetches in flight per crawl */
  readonly concurrency: number;
  readonly userAgent: string;
  /** CIDRs the operator lets crawls reach although private (the same list safe-fetch gets) */
  readonly allowlist: readonly string[];
  /** how long a claimed entry is this process's before another may take it; default 5 min */
  readonly leaseMs?: number;
  /** fetch attempts per URL before it fails; default 4 */
  readonly maxAttempts?: number;
  /** at most one progress report per interval; default 1 s */
  readonly progressIntervalMs?: number;
  /** how often an idle crawl looks for due entries and the cancel flag; default 250 ms */
  readonly pollIntervalMs?: number;
  readonly sitemapLimits?: Partial<Omit<SitemapLimits, 'maxUrls'>>;
}

export const ENGINE_DEFAULTS = { leaseMs: 5 * 60_000, maxAttempts: 4, progressIntervalMs: 1_000, pollIntervalMs: 250 } as const;
