import type { CrawlEngineDeps, CrawlEngineOptions } from './crawl-engine-options';
import { planCrawl } from './crawl-plan';
import { seedSitemaps } from './crawl-seeder';
import type { FrontierCandidate } from './frontier.repository';

const defaults = { maxPages: 1_000, maxDepth: 3, requestsPerSecondPerHost: 2, concurrencyPerHost: 2 };
const options: CrawlEngineOptions = { defaults, concurrency: 4, userAgent: 'Sluice/test', allowlist: [] };
const SITEMAP = 'https://example.org/sitemap.xml';
const urlset = (paths: string[]) =>
  `<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${paths.map((p) => `<url><loc>https://example.org${p}</loc></url>`).join('')}</urlset>`;

/** A site whose robots.txt names one sitemap listing two pages; records what the seeder asks of it. */
function site() {
  const fetched: string[] = [];
  const robotsAsked: string[] = [];
  const deps = {
    robots: {
      rulesFor: async (url: string) => {
        robotsAsked.push(url);
        return { isAllowed: () => true, crawlDelayMs: undefined, sitemaps: [SITEMAP] };
      },
    },
    politeness: { acquire: async () => Object.assign(async () => undefined, { grantedAtMs: Date.now() }), penalize: async () => 0 },
    fetcher: {
      fetch: async (url: string) => {
        fetched.push(url);
        return { status: 200, finalUrl: url, headers: { 'content-type': 'application/xml' }, body: Buffer.from(urlset(['/listed/1', '/listed/2'])) };
      },
    },
  } as unknown as CrawlEngineDeps;
  const added: FrontierCandidate[] = [];
  const writer = { add: async (candidates: readonly FrontierCandidate[]) => added.push(...candidates) };
  return { deps, writer, fetched, robotsAsked, added };
}

describe('seedSitemaps', () => {
  it('fetches no sitemap when the start URLs already fill the page cap', async () => {
    const s = site();
    const plan = planCrawl({ startUrls: ['https://example.org/items/1'], sameOrigin: true, respectRobotsTxt: true, maxPages: 1 }, defaults);
    await seedSitemaps(s.deps, options, plan, s.writer, new AbortController().signal);
    expect(s.fetched).toEqual([]);
    expect(s.robotsAsked).toEqual([]);
    expect(s.added).toEqual([]);
  });

  it('queues the pages of the sitemaps robots.txt names while the cap leaves room', async () => {
    const s = site();
    const plan = planCrawl({ startUrls: ['https://example.org/items/1'], sameOrigin: true, respectRobotsTxt: true, maxPages: 3 }, defaults);
    await seedSitemaps(s.deps, options, plan, s.writer, new AbortController().signal);
    expect(s.fetched).toEqual([SITEMAP]);
    expect(s.added.map((c) => [c.url, c.source])).toEqual([
      ['https://example.org/listed/1', 'sitemap'],
      ['https://example.org/listed/2', 'sitemap'],
    ]);
  });
});
