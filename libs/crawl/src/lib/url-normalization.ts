import { createHash } from 'node:crypto';
import { CrawlSpecError } from './crawl-errors';

/** Query parameters that only track the visitor; dropping them merges the same page reached from different campaigns. */
const TRACKING_PARAMS: ReadonlySet<string> = new Set(['fbclid', 'gclid', 'gclsrc', 'dclid', 'msclkid', 'yclid', 'mc_cid', 'mc_eid', 'igshid', '_ga']);
const isTrackingParam = (name: string): boolean => name.startsWith('utm_') || TRACKING_PARAMS.has(name);

/** RFC 3986 §2.3 unreserved characters: percent-encoding them changes nothing, so they are decoded. */
const UNRESERVED = /[A-Za-z0-9\-._~]/;

/**
 * The canonical form of a crawlable URL, or `undefined` when it is not crawlable (not http(s), not
 * a URL, or carrying credentials). Relative references are resolved against `base`. The WHATWG
 * parser lower-cases scheme and host, converts IDN hosts to punycode, drops the default port and
 * removes dot segments; on top of that the fragment and tracking parameters are dropped, query
 * parameters are sorted by name (stable, so repeated names keep their order), escapes of
 * unreserved characters are decoded and the remaining escapes upper-cased.
 */
export function normalizeUrl(input: string, base?: string): string | undefined {
  let url: URL;
  try {
    url = base === undefined ? new URL(input.trim()) : new URL(input.trim(), base);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  if (url.username !== '' || url.password !== '') return undefined;
  if (url.hostname.endsWith('.')) url.hostname = url.hostname.slice(0, -1);
  url.hash = '';
  url.pathname = normalizeEscapes(url.pathname);
  url.search = normalizeQuery(url.search);
  return url.href;
}

/** sha256 (hex, 64 characters) of a normalised URL: the frontier's unique key. */
export function urlFingerprint(normalizedUrl: string): string {
  return createHash('sha256').update(normalizedUrl).digest('hex');
}

/** `host[:port]`, lower-case, default port omitted: the unit per-host politeness applies to. */
export function hostKey(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    throw new CrawlSpecError(`not a URL: ${JSON.stringify(url.slice(0, 200))}`, [{ path: 'url', message: 'must be an absolute URL' }]);
  }
}

function normalizeQuery(search: string): string {
  if (search.length <= 1) return '';
  const pairs = search
    .slice(1)
    .split('&')
    .filter((pair) => pair !== '')
    .map((pair) => {
      const normalized = normalizeEscapes(pair);
      const eq = normalized.indexOf('=');
      return { name: eq === -1 ? normalized : normalized.slice(0, eq), pair: normalized };
    })
    .filter(({ name }) => !isTrackingParam(safeDecode(name).toLowerCase()));
  pairs.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return pairs.length === 0 ? '' : `?${pairs.map(({ pair }) => pair).join('&')}`;
}

/** Decodes escapes of unreserved characters and upper-cases the hex digits of all other escapes. */
function normalizeEscapes(text: string): string {
  return text.replace(/%([0-9A-Fa-f]{2})/g, (_match, hex: string) => {
    const char = String.fromCharCode(parseInt(hex, 16));
    return UNRESERVED.test(char) ? char : `%${hex.toUpperCase()}`;
  });
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}
