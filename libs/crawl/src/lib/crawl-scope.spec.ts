import { createScopeFilter } from './crawl-scope';
import { CrawlSpecError } from './crawl-errors';

describe('createScopeFilter', () => {
  const base = { startUrls: ['https://Example.com/start'], sameOrigin: true, maxDepth: 3 };

  it('admits same-origin URLs up to maxDepth and refuses deeper ones', () => {
    const inScope = createScopeFilter(base);
    expect(inScope('https://example.com/a', 0)).toEqual({ inScope: true });
    expect(inScope('https://example.com/a', 3)).toEqual({ inScope: true });
    expect(inScope('https://example.com/a', 4)).toEqual({ inScope: false, reason: 'max_depth' });
  });

  it('with sameOrigin refuses another host, scheme or port, and compares normalised origins', () => {
    const inScope = createScopeFilter(base);
    expect(inScope('https://other.example/a', 1)).toEqual({ inScope: false, reason: 'other_origin' });
    expect(inScope('http://example.com/a', 1)).toEqual({ inScope: false, reason: 'other_origin' });
    expect(inScope('https://example.com:8443/a', 1)).toEqual({ inScope: false, reason: 'other_origin' });
    expect(inScope('HTTPS://EXAMPLE.COM:443/a', 1)).toEqual({ inScope: true });
  });

  it('accepts the origin of any start URL', () => {
    const inScope = createScopeFilter({ ...base, startUrls: ['https://a.example/', 'http://b.example:8080/x'] });
    expect(inScope('https://a.example/p', 1).inScope).toBe(true);
    expect(inScope('http://b.example:8080/q', 1).inScope).toBe(true);
    expect(inScope('http://b.example/q', 1).inScope).toBe(false);
  });

  it('without sameOrigin admits other hosts', () => {
    expect(createScopeFilter({ ...base, sameOrigin: false })('https://other.example/a', 1)).toEqual({ inScope: true });
  });

  it('matches include globs against the full normalised URL', () => {
    const inScope = createScopeFilter({ ...base, include: ['https://example.com/blog/**'] });
    expect(inScope('https://example.com/blog/2024/post', 1)).toEqual({ inScope: true });
    expect(inScope('https://EXAMPLE.com/blog/x#comments', 1)).toEqual({ inScope: true });
    expect(inScope('https://example.com/shop/item', 1)).toEqual({ inScope: false, reason: 'not_included' });
  });

  it('lets exclude win over include', () => {
    const inScope = createScopeFilter({ ...base, include: ['https://example.com/**'], exclude: ['**/private/**', '**/*.pdf'] });
    expect(inScope('https://example.com/docs/a', 1)).toEqual({ inScope: true });
    expect(inScope('https://example.com/private/a', 1)).toEqual({ inScope: false, reason: 'excluded' });
    expect(inScope('https://example.com/files/report.pdf', 1)).toEqual({ inScope: false, reason: 'excluded' });
  });

  it('a single * does not cross path segments', () => {
    const inScope = createScopeFilter({ ...base, include: ['https://example.com/blog/*'] });
    expect(inScope('https://example.com/blog/post', 1).inScope).toBe(true);
    expect(inScope('https://example.com/blog/2024/post', 1).inScope).toBe(false);
  });

  it('refuses URLs that are not crawlable', () => {
    const inScope = createScopeFilter(base);
    expect(inScope('mailto:x@example.com', 0)).toEqual({ inScope: false, reason: 'invalid_url' });
    expect(inScope('not a url', 0)).toEqual({ inScope: false, reason: 'invalid_url' });
  });

  it('throws a typed error naming a bad start URL', () => {
    expect(() => createScopeFilter({ ...base, startUrls: ['https://ok.example/', 'ftp://x.example/'] })).toThrow(
      expect.objectContaining({ constructor: CrawlSpecError, violations: [{ path: 'startUrls.1', message: 'must be an http(s) URL' }] }),
    );
  });
});
