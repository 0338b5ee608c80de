import { Readable } from 'node:stream';
import { createScopeFilter, hostKey, readSitemaps, urlFingerprint } from '@sluice/crawl';
import type { CrawlEngineDeps, CrawlEngineOptions } from './crawl-engine-options';
import type { CrawlPlan } from './crawl-plan';
import type { FrontierWriter } from './frontier-writer';
import type { FrontierCandidate, FrontierSource } from './frontier.repository';

const SITEMAP_BATCH = 500;

const candidate = (url: string, source: FrontierSource): FrontierCandidate => ({ url, fingerprint: urlFingerprint(url), host: hostKey(url), depth: 0, source });

/** Puts a crawl's start URLs in its frontier (adding nothing twice, so a resumed crawl simply repeats it). */
export async function seedStartUrls(plan: CrawlPlan, writer: Pick<FrontierWriter, 'add'>): Promise<void> {
  await writer.add(plan.startUrls.map((url) => candidate(url, 'start')));
}

/**
 * Adds the in-scope page URLs of a crawl's sitemaps: those of the job and, when robots.txt is
 * respected, those robots.txt names for each start origin. Runs beside the crawl, so its first
 * page is fetched without waiting for the sitemaps. Seeding again adds nothing twice.
 */
export async function seedSitemaps(deps: CrawlEngineDeps, options: CrawlEngineOptions, plan: CrawlPlan, writer: Pick<FrontierWriter, 'add'>, signal: AbortSignal): Promise<void> {
  // The start URLs fill the page cap: no sitemap URL could be queued, so none is fetched.
  if (plan.startUrls.length >= plan.maxPages) return;
  const roots = new Set(plan.sitemapUrls);
  if (plan.respectRobotsTxt) {
    for (const start of plan.startUrls) for (const sitemap of (await deps.robots.rulesFor(start, signal)).sitemaps) roots.add(sitemap);
  }
  if (roots.size === 0) return;

  const inScope = createScopeFilter(plan.scope);
  const fetchDoc = async (url: string, docSignal?: AbortSignal) => {
    const crawlDelayMs = plan.respectRobotsTxt ? (await deps.robots.rulesFor(url, docSignal)).crawlDelayMs : undefined;
    const release = await deps.politeness.acquire(hostKey(url), { ...plan.politeness, crawlDelayMs }, docSignal);
    try {
      const res = await deps.fetcher.fetch(url, { signal: docSignal, headers: { 'user-agent': options.userAgent } });
      // safe-fetch has already undone any Content-Encoding; a .gz file's own gzip is left for the reader.
      return { status: res.status, body: Readable.from([res.body]), contentType: res.headers['content-type'] };
    } finally {
      await release();
    }
  };
  let batch: FrontierCandidate[] = [];
  const onSkip = (url: string, reason: string) => deps.logger?.warn({ sitemap: url, reason }, 'sitemap skipped');
  for await (const url of readSitemaps([...roots], fetchDoc, { ...options.sitemapLimits, maxUrls: plan.maxPages, onSkip }, signal)) {
    if (!inScope(url, 0).inScope) continue;
    batch.push(candidate(url, 'sitemap'));
    if (batch.length >= SITEMAP_BATCH) {
      await writer.add(batch);
      batch = [];
    }
  }
  await writer.add(batch);
}
