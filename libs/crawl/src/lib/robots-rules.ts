import robotsParser from 'robots-parser';
import { CrawlSpecError } from './crawl-errors';
import { normalizeUrl } from './url-normalization';

export interface RobotsRules {
  /** Whether the crawler may fetch `url` (a URL of the origin the rules were fetched for; any other origin is refused). */
  isAllowed(url: string): boolean;
  /** The group's `Crawl-delay` in ms, capped; `undefined` when none is given. */
  readonly crawlDelayMs: number | undefined;
  /** `Sitemap:` lines, as written. */
  readonly sitemaps: string[];
}

export interface RobotsFetchResult {
  /** HTTP status of the robots.txt fetch; `undefined` when the host was unreachable. */
  readonly status: number | undefined;
  readonly body?: string;
}

const ALLOW_ALL = '';
const DISALLOW_ALL = 'User-agent: *\nDisallow: /\n';

/**
 * The rules for `userAgent` from a robots.txt fetch result (RFC 9309 §2.3.1): a 2xx body is parsed;
 * 4xx (404 included) means no rules, so everything is allowed; 5xx or an unreachable host means
 * everything is disallowed until a later fetch succeeds. Redirects are the fetcher's job; what
 * arrives here is the final status.
 */
export function robotsRulesFromResponse(robotsUrl: string, userAgent: string, res: RobotsFetchResult, maxCrawlDelayMs: number): RobotsRules {
  const text = res.status !== undefined && res.status >= 200 && res.status < 300 ? (res.body ?? '') : res.status !== undefined && res.status >= 400 && res.status < 500 ? ALLOW_ALL : DISALLOW_ALL;
  const robot = robotsParser(robotsUrl, text);
  const agent = productToken(userAgent);
  const robotsPath = new URL(robotsUrl).pathname;
  const delaySeconds = robot.getCrawlDelay(agent);
  return {
    // RFC 9309 §2.2.2: /robots.txt itself is always allowed. robots-parser answers `undefined` for another origin.
    isAllowed: (url) => safePathname(url) === robotsPath || robot.isAllowed(url, agent) === true,
    crawlDelayMs: typeof delaySeconds === 'number' && Number.isFinite(delaySeconds) && delaySeconds >= 0 ? Math.min(Math.round(delaySeconds * 1000), maxCrawlDelayMs) : undefined,
    sitemaps: robot.getSitemaps(),
  };
}

/** The robots.txt URL governing `url`: `<scheme>://<host>[:port]/robots.txt`. */
export function robotsUrlFor(url: string): string {
  const normalized = normalizeUrl(url);
  if (normalized === undefined) throw new CrawlSpecError('robots.txt applies to http(s) URLs only', [{ path: 'url', message: 'must be an http(s) URL' }]);
  return `${new URL(normalized).origin}/robots.txt`;
}

/**
 * RFC 9309 §2.2.1 matches groups by the crawler's product token ("SluiceBot" in
 * "SluiceBot/1.0 (+https://example.org/bot)"), not by the whole User-Agent header.
 */
export function productToken(userAgent: string): string {
  return /^[A-Za-z_-]+/.exec(userAgent.trim())?.[0] ?? '*';
}

function safePathname(url: string): string | undefined {
  try {
    return new URL(url).pathname;
  } catch {
    return undefined;
  }
}
