import type { ScrapeJobRequest } from '@sluice/contracts';
import { createScopeFilter, CrawlSpecError, normalizeUrl, validateFieldSpecs, type CrawlScope, type FieldSpec } from '@sluice/crawl';
import { InvalidCrawlSpecError } from './crawl-errors';

/** Operator defaults for what a scrape job leaves out. */
export interface CrawlDefaults {
  readonly maxPages: number;
  readonly maxDepth: number;
  readonly requestsPerSecondPerHost: number;
  readonly concurrencyPerHost: number;
}

export const DEFAULT_CRAWL_LIMITS = { maxPages: 1_000, maxDepth: 3 } as const;

/** Everything the engine needs to know about one crawl, decided once from the job body. */
export interface CrawlPlan {
  /** normalised, deduplicated */
  readonly startUrls: readonly string[];
  readonly sitemapUrls: readonly string[];
  readonly scope: CrawlScope;
  /** cap on frontier entries of the crawl (every URL ever queued counts) */
  readonly maxPages: number;
  readonly respectRobotsTxt: boolean;
  readonly extract: Readonly<Record<string, FieldSpec>>;
  readonly politeness: { readonly requestsPerSecond: number; readonly concurrency: number };
}

/**
 * Turns a validated job body into a plan: normalised start URLs, the scope, limits and politeness
 * with the operator's defaults filled in. Throws InvalidCrawlSpecError (naming the field) for what
 * the request schema cannot see: a selector cheerio refuses, a start URL that is not crawlable.
 */
export function planCrawl(job: ScrapeJobRequest, defaults: CrawlDefaults): CrawlPlan {
  const extract = (job.extract ?? {}) as Record<string, FieldSpec>;
  const violations = validateFieldSpecs(extract).map((v) => ({ path: `extract.${v.path}`.replace(/\.$/, ''), message: v.message }));
  const startUrls: string[] = [];
  job.startUrls.forEach((raw, i) => {
    const url = normalizeUrl(raw);
    if (url === undefined) violations.push({ path: `startUrls.${i}`, message: 'is not a crawlable http(s) URL' });
    else if (!startUrls.includes(url)) startUrls.push(url);
  });
  const sitemapUrls = (job.sitemapUrls ?? []).map((raw) => normalizeUrl(raw)).filter((u): u is string => u !== undefined);
  if (violations.length > 0) throw new InvalidCrawlSpecError(`invalid scrape job: ${violations.map((v) => `${v.path} ${v.message}`).join('; ')}`, violations);
  const scope: CrawlScope = { startUrls, sameOrigin: job.sameOrigin ?? true, include: job.include, exclude: job.exclude, maxDepth: job.maxDepth ?? defaults.maxDepth };
  try {
    createScopeFilter(scope);
  } catch (error) {
    if (error instanceof CrawlSpecError) throw new InvalidCrawlSpecError(`invalid scrape job: ${error.message}`, error.violations);
    throw error;
  }
  return {
    startUrls,
    sitemapUrls: [...new Set(sitemapUrls)],
    scope,
    maxPages: job.maxPages ?? defaults.maxPages,
    respectRobotsTxt: job.respectRobotsTxt ?? true,
    extract,
    politeness: {
      requestsPerSecond: job.politeness?.maxRequestsPerSecondPerHost ?? defaults.requestsPerSecondPerHost,
      concurrency: job.politeness?.maxConcurrencyPerHost ?? defaults.concurrencyPerHost,
    },
  };
}
