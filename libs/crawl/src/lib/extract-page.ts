import { createHash } from 'node:crypto';
import { load, type CheerioAPI } from 'cheerio';
import { resolveFieldSpecs, type FieldSpec, type ResolvedFieldSpec } from './field-specs';
import { normalizeUrl } from './url-normalization';

export interface ExtractedPage {
  /** The first `<title>`, whitespace collapsed; `undefined` when missing or empty. */
  readonly title: string | undefined;
  /** One entry per field: a string or `null` (first match), or an array (`all`). */
  readonly data: Record<string, unknown>;
  /** Followable links: absolute, normalised, deduplicated, http(s) only, in document order. */
  readonly links: string[];
}

const LINK_SELECTOR = 'a[href], area[href], link[href]';

/**
 * Extracts the fields and the links of an HTML page. A string spec gives the text of the first
 * match (trimmed, whitespace collapsed) or `null`; `attr` reads that attribute instead; `all` gives
 * every match (matches without the attribute are left out). Links come from `a`/`area` elements and
 * `<link rel=next>`, resolved against `<base href>` (or the page URL); links with `rel=nofollow` are
 * skipped, and a `<meta name=robots>` with `nofollow` or `none` means no links at all. Throws
 * `CrawlSpecError` for unusable specs (check them first with `validateFieldSpecs`).
 */
export function extractPage(html: string, pageUrl: string, fields: Record<string, FieldSpec>): ExtractedPage {
  const specs = resolveFieldSpecs(fields);
  const $ = load(html);
  const data: Record<string, unknown> = {};
  for (const [name, spec] of specs) data[name] = extractField($, spec);
  const title = collapse($('title').first().text());
  return { title: title === '' ? undefined : title, data, links: metaNofollow($) ? [] : followableLinks($, pageUrl) };
}

/** sha256 (hex) of a page's decoded text, for content dedupe. */
export function contentHash(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function extractField($: CheerioAPI, spec: ResolvedFieldSpec): unknown {
  const matches = $.root().find(spec.selector);
  if (spec.all) {
    return matches
      .toArray()
      .map((element) => valueOf($(element), spec.attr))
      .filter((value): value is string => value !== null);
  }
  return matches.length === 0 ? null : valueOf(matches.first(), spec.attr);
}

/** The part of a cheerio selection reading a value needs. */
interface Readable {
  text(): string;
  attr(name: string): string | undefined;
}

function valueOf(element: Readable, attr: string | undefined): string | null {
  if (attr === undefined) return collapse(element.text());
  return element.attr(attr) ?? null;
}

function followableLinks($: CheerioAPI, pageUrl: string): string[] {
  const base = baseUrl($, pageUrl);
  const links = new Set<string>();
  for (const element of $.root().find(LINK_SELECTOR).toArray()) {
    const link = $(element);
    const rel = relTokens(link.attr('rel'));
    if (rel.has('nofollow')) continue;
    if (link.is('link') && !rel.has('next')) continue;
    const normalized = normalizeUrl(link.attr('href') ?? '', base);
    if (normalized !== undefined) links.add(normalized);
  }
  return [...links];
}

/** The first `<base href>` resolved against the page URL (HTML's document base URL), else the page URL. */
function baseUrl($: CheerioAPI, pageUrl: string): string {
  const href = $('base[href]').first().attr('href');
  if (href === undefined) return pageUrl;
  try {
    return new URL(href.trim(), pageUrl).href;
  } catch {
    return pageUrl;
  }
}

function metaNofollow($: CheerioAPI): boolean {
  return $('meta[name]')
    .toArray()
    .some((element) => {
      const meta = $(element);
      if ((meta.attr('name') ?? '').trim().toLowerCase() !== 'robots') return false;
      const directives = (meta.attr('content') ?? '').toLowerCase().split(',').map((d) => d.trim());
      return directives.includes('nofollow') || directives.includes('none');
    });
}

function relTokens(rel: string | undefined): Set<string> {
  return new Set((rel ?? '').toLowerCase().split(/\s+/).filter(Boolean));
}

function collapse(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
