import picomatch from 'picomatch';
import { CrawlSpecError } from './crawl-errors';
import { normalizeUrl } from './url-normalization';

export interface CrawlScope {
  readonly startUrls: readonly string[];
  /** Only URLs whose origin (scheme, host, port) equals one of the start URLs' origins. */
  readonly sameOrigin: boolean;
  /** Globs over the full normalised URL; when given, a URL must match one of them. */
  readonly include?: readonly string[];
  /** Globs over the full normalised URL; a match excludes the URL even if it is included. */
  readonly exclude?: readonly string[];
  /** Start URLs are depth 0; links found on a page of depth d are depth d + 1. */
  readonly maxDepth: number;
}

/** Why a URL is out of scope; stable codes for counters and logs. */
export type ScopeRejection = 'invalid_url' | 'max_depth' | 'other_origin' | 'excluded' | 'not_included';

export type ScopeDecision = { inScope: true } | { inScope: false; reason: ScopeRejection };

// `dot`: a path segment such as `/.well-known/` is still matched by `**`.
const GLOB_OPTIONS: picomatch.PicomatchOptions = { dot: true };

/**
 * A predicate deciding whether a URL found at `depth` belongs to the crawl. Checks run cheapest
 * first: URL validity, depth, origin, then the globs (exclude wins over include).
 */
export function createScopeFilter(scope: CrawlScope): (url: string, depth: number) => ScopeDecision {
  const origins = new Set(scope.startUrls.map((start, index) => originOf(start, `startUrls.${index}`)));
  const include = compileGlobs(scope.include, 'include');
  const exclude = compileGlobs(scope.exclude, 'exclude');
  return (url, depth) => {
    const normalized = normalizeUrl(url);
    if (normalized === undefined) return { inScope: false, reason: 'invalid_url' };
    if (depth > scope.maxDepth) return { inScope: false, reason: 'max_depth' };
    if (scope.sameOrigin && !origins.has(new URL(normalized).origin)) return { inScope: false, reason: 'other_origin' };
    if (exclude.some((matches) => matches(normalized))) return { inScope: false, reason: 'excluded' };
    if (include.length > 0 && !include.some((matches) => matches(normalized))) return { inScope: false, reason: 'not_included' };
    return { inScope: true };
  };
}

function originOf(startUrl: string, path: string): string {
  const normalized = normalizeUrl(startUrl);
  if (normalized === undefined) throw new CrawlSpecError('a start URL is not a crawlable http(s) URL', [{ path, message: 'must be an http(s) URL' }]);
  return new URL(normalized).origin;
}

function compileGlobs(globs: readonly string[] | undefined, field: string): ((url: string) => boolean)[] {
  return (globs ?? []).map((glob, index) => {
    try {
      return picomatch(glob, GLOB_OPTIONS);
    } catch (error) {
      throw new CrawlSpecError(`invalid ${field} glob`, [{ path: `${field}.${index}`, message: (error as Error).message }]);
    }
  });
}
