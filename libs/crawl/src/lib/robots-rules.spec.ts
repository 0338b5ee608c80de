import { productToken, robotsRulesFromResponse, robotsUrlFor } from './robots-rules';

const ROBOTS_URL = 'https://example.com/robots.txt';
const UA = 'SluiceBot/0.1 (+https://example.org/bot)';
const BODY = [
  'User-agent: *',
  'Disallow: /private/',
  'Allow: /private/open',
  'Crawl-delay: 2',
  '',
  'User-agent: SluiceBot',
  'Disallow: /no-sluice/',
  'Allow: /no-sluice/except$',
  'Crawl-delay: 5',
  '',
  'User-agent: slowbot',
  'Crawl-delay: 3600',
  'Sitemap: https://example.com/sitemap.xml',
  'Sitemap: https://example.com/news.xml.gz',
].join('\n');

describe('robotsRulesFromResponse', () => {
  it('applies the group of our product token, not the * group', () => {
    const rules = robotsRulesFromResponse(ROBOTS_URL, UA, { status: 200, body: BODY }, 30_000);
    expect(rules.isAllowed('https://example.com/no-sluice/page')).toBe(false);
    expect(rules.isAllowed('https://example.com/no-sluice/except')).toBe(true);
    expect(rules.isAllowed('https://example.com/private/secret')).toBe(true);
    expect(rules.crawlDelayMs).toBe(5_000);
  });

  it('falls back to the * group for an agent without a group of its own', () => {
    const rules = robotsRulesFromResponse(ROBOTS_URL, 'OtherBot/2.0', { status: 200, body: BODY }, 30_000);
    expect(rules.isAllowed('https://example.com/private/secret')).toBe(false);
    expect(rules.isAllowed('https://example.com/private/open')).toBe(true);
    expect(rules.isAllowed('https://example.com/public')).toBe(true);
    expect(rules.crawlDelayMs).toBe(2_000);
  });

  it('caps Crawl-delay at maxCrawlDelayMs', () => {
    const rules = robotsRulesFromResponse(ROBOTS_URL, 'slowbot', { status: 200, body: BODY }, 30_000);
    expect(rules.crawlDelayMs).toBe(30_000);
  });

  it('reads fractional Crawl-delay seconds and reports none when absent', () => {
    expect(robotsRulesFromResponse(ROBOTS_URL, UA, { status: 200, body: 'User-agent: *\nCrawl-delay: 0.5\n' }, 30_000).crawlDelayMs).toBe(500);
    expect(robotsRulesFromResponse(ROBOTS_URL, UA, { status: 200, body: 'User-agent: *\nDisallow: /x\n' }, 30_000).crawlDelayMs).toBeUndefined();
  });

  it('lists Sitemap lines', () => {
    expect(robotsRulesFromResponse(ROBOTS_URL, UA, { status: 200, body: BODY }, 30_000).sitemaps).toEqual([
      'https://example.com/sitemap.xml',
      'https://example.com/news.xml.gz',
    ]);
  });

  it.each([400, 401, 403, 404, 410, 429])('allows everything after a %i', (status) => {
    const rules = robotsRulesFromResponse(ROBOTS_URL, UA, { status, body: 'User-agent: *\nDisallow: /\n' }, 30_000);
    expect(rules.isAllowed('https://example.com/anything')).toBe(true);
  });

  it.each([500, 502, 503, undefined])('disallows everything after %s', (status) => {
    const rules = robotsRulesFromResponse(ROBOTS_URL, UA, { status }, 30_000);
    expect(rules.isAllowed('https://example.com/')).toBe(false);
    expect(rules.isAllowed('https://example.com/page')).toBe(false);
  });

  it('always allows /robots.txt itself', () => {
    const rules = robotsRulesFromResponse(ROBOTS_URL, UA, { status: 200, body: 'User-agent: *\nDisallow: /\n' }, 30_000);
    expect(rules.isAllowed('https://example.com/page')).toBe(false);
    expect(rules.isAllowed('https://example.com/robots.txt')).toBe(true);
  });

  it('refuses URLs of another origin', () => {
    const rules = robotsRulesFromResponse(ROBOTS_URL, UA, { status: 404 }, 30_000);
    expect(rules.isAllowed('https://other.example/page')).toBe(false);
    expect(rules.isAllowed('http://example.com/page')).toBe(false);
  });

  it('treats an empty 2xx body as allow-all', () => {
    expect(robotsRulesFromResponse(ROBOTS_URL, UA, { status: 200, body: '' }, 30_000).isAllowed('https://example.com/x')).toBe(true);
  });
});

describe('productToken and robotsUrlFor', () => {
  it('takes the product token of a User-Agent header', () => {
    expect(productToken('SluiceBot/0.1 (+https://example.org/bot)')).toBe('SluiceBot');
    expect(productToken('my-crawler')).toBe('my-crawler');
    expect(productToken('/weird')).toBe('*');
  });

  it('puts robots.txt at the root of the origin', () => {
    expect(robotsUrlFor('http://Example.com:8080/a/b?c#d')).toBe('http://example.com:8080/robots.txt');
  });
});
