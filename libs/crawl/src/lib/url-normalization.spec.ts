import { CrawlSpecError } from './crawl-errors';
import { hostKey, normalizeUrl, urlFingerprint } from './url-normalization';

describe('normalizeUrl', () => {
  it.each([
    ['lower-cases scheme and host', 'HTTP://Example.COM/Path', 'http://example.com/Path'],
    ['drops the default http port', 'http://example.com:80/a', 'http://example.com/a'],
    ['drops the default https port', 'https://example.com:443/a', 'https://example.com/a'],
    ['keeps a non-default port', 'https://example.com:8443/a', 'https://example.com:8443/a'],
    ['removes dot segments', 'http://example.com/a/./b/../c/', 'http://example.com/a/c/'],
    ['removes encoded dot segments', 'http://example.com/a/%2e%2E/c', 'http://example.com/c'],
    ['drops the fragment', 'http://example.com/a#section-2', 'http://example.com/a'],
    ['adds the root path', 'http://example.com', 'http://example.com/'],
    ['converts IDN hosts to punycode', 'https://Bücher.example/straße', 'https://xn--bcher-kva.example/stra%C3%9Fe'],
    ['sorts query parameters by name', 'http://example.com/?b=2&a=1&c=3', 'http://example.com/?a=1&b=2&c=3'],
    ['keeps the order of repeated names', 'http://example.com/?z=1&a=2&a=1', 'http://example.com/?a=2&a=1&z=1'],
    ['drops utm_* tracking parameters', 'http://example.com/p?utm_source=x&id=7&UTM_Medium=y', 'http://example.com/p?id=7'],
    ['drops fbclid and gclid', 'http://example.com/p?fbclid=abc&gclid=def&q=1', 'http://example.com/p?q=1'],
    ['drops an empty query', 'http://example.com/p?', 'http://example.com/p'],
    ['drops a query of only tracking parameters', 'http://example.com/p?utm_campaign=z', 'http://example.com/p'],
    ['drops empty query pieces', 'http://example.com/p?&a=1&&b=2&', 'http://example.com/p?a=1&b=2'],
    ['decodes escapes of unreserved characters', 'http://example.com/%7Euser/%41%2d', 'http://example.com/~user/A-'],
    ['upper-cases other escapes and keeps reserved ones encoded', 'http://example.com/a%2fb?q=%e2%82%ac', 'http://example.com/a%2Fb?q=%E2%82%AC'],
    ['encodes spaces and non-ASCII', 'http://example.com/a b/é', 'http://example.com/a%20b/%C3%A9'],
    ['strips a trailing dot from the host', 'http://example.com./x', 'http://example.com/x'],
    ['trims surrounding whitespace', '  http://example.com/x \n', 'http://example.com/x'],
  ])('%s', (_name, input, expected) => {
    expect(normalizeUrl(input)).toBe(expected);
  });

  it('gives equal results for equivalent URLs', () => {
    const forms = ['HTTP://EXAMPLE.com:80/a/../b?y=2&x=1#top', 'http://example.com/b?x=1&y=2&utm_source=news', 'http://example.com/./b?x=%31&y=2'];
    expect(new Set(forms.map((f) => normalizeUrl(f))).size).toBe(1);
  });

  it('resolves relative references against a base', () => {
    expect(normalizeUrl('../c?b=1#x', 'http://example.com/a/b/page.html')).toBe('http://example.com/a/c?b=1');
    expect(normalizeUrl('//other.example/x', 'https://example.com/')).toBe('https://other.example/x');
  });

  it.each(['mailto:someone@example.com', 'javascript:alert(1)', 'ftp://example.com/file', 'file:///etc/passwd', 'data:text/html,hi', 'not a url', '', 'http://user:secret@example.com/'])(
    'refuses %j',
    (input) => {
      expect(normalizeUrl(input)).toBeUndefined();
    },
  );

  it('refuses a relative reference without a base', () => {
    expect(normalizeUrl('/a/b')).toBeUndefined();
  });
});

describe('urlFingerprint', () => {
  it('is the sha256 hex of the normalised URL', () => {
    expect(urlFingerprint('http://example.com/')).toBe('2a1b402420ef46577471cdc7409b0fa2c6a204db316e59ade2d805435489a067');
    expect(urlFingerprint('http://example.com/a')).not.toBe(urlFingerprint('http://example.com/b'));
  });
});

describe('hostKey', () => {
  it('is the lower-case host with a non-default port', () => {
    expect(hostKey('http://Example.com:8080/x')).toBe('example.com:8080');
    expect(hostKey('https://Example.com:443/x')).toBe('example.com');
    expect(hostKey('http://[::1]:3000/')).toBe('[::1]:3000');
  });

  it('throws a typed error for something that is not a URL', () => {
    expect(() => hostKey('nope')).toThrow(CrawlSpecError);
  });
});
