import { ScrapeJobRequest } from './scrape-job';
import { zodViolations } from './zod-violations';

function violations(body: unknown) {
  const result = ScrapeJobRequest.safeParse(body);
  return result.success ? [] : zodViolations(result.error);
}

describe('ScrapeJobRequest', () => {
  it('accepts a minimal job and fills the documented defaults', () => {
    expect(ScrapeJobRequest.parse({ startUrls: ['https://example.org/'] })).toEqual({
      startUrls: ['https://example.org/'],
      sameOrigin: true,
      respectRobotsTxt: true,
    });
  });

  it('refuses non-http schemes, naming the element', () => {
    expect(violations({ startUrls: ['https://ok.example/', 'file:///etc/passwd'] })).toEqual([
      { path: 'startUrls.1', message: 'must be an http(s) URL' },
    ]);
  });

  it('refuses unknown fields instead of ignoring them', () => {
    expect(violations({ startUrls: ['https://example.org/'], maxPagez: 3 }).map((v) => v.path)).toEqual(['(body)']);
  });

  it('reports every offending field at once', () => {
    const paths = violations({ startUrls: [], maxPages: 0, maxDepth: 21, extract: { 'bad name': 'h1' } }).map((v) => v.path);
    expect(paths.sort()).toEqual(['extract.bad name', 'maxDepth', 'maxPages', 'startUrls']);
  });
});
