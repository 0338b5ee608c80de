import type { ScrapeJobRequest } from '@sluice/contracts';
import { InvalidCrawlSpecError } from './crawl-errors';
import { planCrawl } from './crawl-plan';

const defaults = { maxPages: 1_000, maxDepth: 3, requestsPerSecondPerHost: 2, concurrencyPerHost: 2 };
const job = (extra: Partial<ScrapeJobRequest> = {}): ScrapeJobRequest => ({ startUrls: ['https://Example.org:443/a/../b#top'], sameOrigin: true, respectRobotsTxt: true, ...extra });

describe('planCrawl', () => {
  it('normalises and deduplicates start URLs and fills in the operator defaults', () => {
    const plan = planCrawl(job({ startUrls: ['https://Example.org:443/a/../b#top', 'https://example.org/b'] }), defaults);
    expect(plan.startUrls).toEqual(['https://example.org/b']);
    expect(plan).toMatchObject({
      maxPages: 1_000,
      respectRobotsTxt: true,
      politeness: { requestsPerSecond: 2, concurrency: 2 },
      scope: { sameOrigin: true, maxDepth: 3, startUrls: ['https://example.org/b'] },
    });
  });

  it('takes the job’s own limits and politeness over the defaults', () => {
    const plan = planCrawl(
      job({ maxPages: 10, maxDepth: 0, sameOrigin: false, respectRobotsTxt: false, politeness: { maxRequestsPerSecondPerHost: 0.5, maxConcurrencyPerHost: 1 }, include: ['**/docs/**'] }),
      defaults,
    );
    expect(plan).toMatchObject({ maxPages: 10, respectRobotsTxt: false, politeness: { requestsPerSecond: 0.5, concurrency: 1 }, scope: { maxDepth: 0, sameOrigin: false, include: ['**/docs/**'] } });
  });

  it('refuses a selector cheerio cannot parse, naming the field', () => {
    try {
      planCrawl(job({ extract: { price: '.price', broken: 'div[[' } }), defaults);
      throw new Error('expected a refusal');
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidCrawlSpecError);
      expect((error as InvalidCrawlSpecError).violations.map((v) => v.path)).toEqual([expect.stringMatching(/^extract\.broken/)]);
    }
  });
});
