import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { ErrorLevel, XMLToSitemapItemStream, type SitemapItem } from 'sitemap';
import { normalizeUrl } from './url-normalization';

export interface SitemapLimits {
  /** How deep sitemap indexes may nest: documents at this depth are read, the sitemaps they list are not. Default 3. */
  readonly maxDepth: number;
  /** Page URLs to yield in total before stopping. Default 100 000. */
  readonly maxUrls: number;
  /** Bytes read per document after decompression; a longer document is cut there. Default 50 MiB (the sitemaps.org limit). */
  readonly maxBytes: number;
  /** Documents to fetch in total, roots included. Default 100. */
  readonly maxDocuments: number;
}

export interface SitemapReadOptions extends Partial<SitemapLimits> {
  /** Told about every document that was skipped or cut short (HTTP error, broken XML, size cap). */
  readonly onSkip?: (url: string, reason: string) => void;
}

export interface SitemapDocument {
  readonly status: number;
  readonly body: AsyncIterable<Uint8Array> | NodeJS.ReadableStream;
  readonly contentType?: string;
  readonly contentEncoding?: string;
}

export type SitemapFetcher = (url: string, signal?: AbortSignal) => Promise<SitemapDocument>;

export const DEFAULT_SITEMAP_LIMITS: SitemapLimits = { maxDepth: 3, maxUrls: 100_000, maxBytes: 50 * 1024 * 1024, maxDocuments: 100 };

const GZIP_MAGIC = [0x1f, 0x8b];

class SitemapDocumentError extends Error {}

interface Pending {
  readonly url: string;
  readonly depth: number;
}

/**
 * Yields the page URLs (normalised, deduplicated) listed by the sitemaps at `rootUrls`, following
 * nested sitemap indexes breadth first. Each document is streamed through a SAX parser, never
 * buffered whole; gzip is recognised by its magic bytes (a `.gz` name or gzip content type whose
 * bytes are not gzip was already decompressed in transit). A document that fails (non-2xx, network
 * error, broken XML) is skipped and reported to `onSkip`; only an abort of `signal` ends the whole
 * read with an error. Stopping the iteration early releases the document being read.
 */
export async function* readSitemaps(rootUrls: string[], fetchDoc: SitemapFetcher, limits: SitemapReadOptions, signal?: AbortSignal): AsyncGenerator<string> {
  const { maxDepth, maxUrls, maxBytes, maxDocuments } = { ...DEFAULT_SITEMAP_LIMITS, ...definedOnly(limits) };
  const queue: Pending[] = [];
  const scheduled = new Set<string>();
  const schedule = (raw: string, depth: number): void => {
    const url = normalizeUrl(raw);
    if (url === undefined || scheduled.has(url) || scheduled.size >= maxDocuments) return;
    scheduled.add(url);
    queue.push({ url, depth });
  };
  for (const root of rootUrls) schedule(root, 0);

  const yielded = new Set<string>();
  if (maxUrls <= 0) return;
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    signal?.throwIfAborted();
    const { url, depth } = next;
    const onNestedSitemap = (loc: string) => {
      if (depth < maxDepth) schedule(loc, depth + 1);
    };
    try {
      for await (const page of readDocument(url, fetchDoc, maxBytes, onNestedSitemap, limits.onSkip, signal)) {
        if (yielded.has(page)) continue;
        yielded.add(page);
        yield page;
        if (yielded.size >= maxUrls) return;
      }
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      limits.onSkip?.(url, error instanceof Error ? error.message : String(error));
    }
  }
}

async function* readDocument(
  url: string,
  fetchDoc: SitemapFetcher,
  maxBytes: number,
  onNestedSitemap: (loc: string) => void,
  onSkip: SitemapReadOptions['onSkip'],
  signal: AbortSignal | undefined,
): AsyncGenerator<string> {
  const response = await fetchDoc(url, signal);
  if (response.status < 200 || response.status >= 300) {
    closeBody(response.body);
    throw new SitemapDocumentError(`HTTP ${response.status}`);
  }
  const parser = new XMLToSitemapItemStream({ level: ErrorLevel.SILENT, logger: false });
  const bytes = Readable.from(capped(decompressed(response.body), maxBytes, () => onSkip?.(url, `cut at ${maxBytes} bytes`)), { objectMode: false });
  const fail = (error: Error) => bytes.destroy(error);
  bytes.on('error', (error) => parser.destroy(error));
  parser.saxStream.on('error', (error: Error) => fail(new SitemapDocumentError(`invalid XML: ${error.message.split('\n')[0]}`)));
  listenForNestedSitemaps(parser, onNestedSitemap);
  bytes.pipe(parser);
  try {
    for await (const item of parser as AsyncIterable<SitemapItem>) {
      const page = normalizeUrl(item.url);
      if (page !== undefined) yield page;
    }
  } finally {
    bytes.destroy();
    parser.destroy();
    closeBody(response.body);
  }
}

/** `<sitemapindex><sitemap><loc>` entries; the package's item stream only yields `<urlset><url>` entries. */
function listenForNestedSitemaps(parser: XMLToSitemapItemStream, onNestedSitemap: (loc: string) => void): void {
  const open: string[] = [];
  let loc = '';
  const localName = (name: string) => name.slice(name.indexOf(':') + 1);
  const inSitemapLoc = () => open.length >= 2 && open[open.length - 1] === 'loc' && open[open.length - 2] === 'sitemap';
  parser.saxStream.on('opentag', (tag: { name: string }) => {
    open.push(localName(tag.name));
    if (inSitemapLoc()) loc = '';
  });
  const onText = (text: string) => {
    if (inSitemapLoc()) loc += text;
  };
  parser.saxStream.on('text', onText);
  parser.saxStream.on('cdata', onText);
  parser.saxStream.on('closetag', () => {
    if (inSitemapLoc() && loc.trim() !== '') onNestedSitemap(loc.trim());
    open.pop();
  });
}

/** The body as bytes, gunzipped when it starts with the gzip magic bytes. */
async function* decompressed(body: SitemapDocument['body']): AsyncGenerator<Buffer> {
  const source = (body as AsyncIterable<Uint8Array | string>)[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let headLength = 0;
  let done = false;
  while (headLength < GZIP_MAGIC.length) {
    const step = await source.next();
    if (step.done) {
      done = true;
      break;
    }
    const chunk = toBuffer(step.value);
    head.push(chunk);
    headLength += chunk.length;
  }
  const rest = async function* (): AsyncGenerator<Buffer> {
    yield* head;
    try {
      while (!done) {
        const step = await source.next();
        if (step.done) return;
        yield toBuffer(step.value);
      }
    } finally {
      await source.return?.();
    }
  };
  const first = Buffer.concat(head);
  if (first.length >= 2 && first[0] === GZIP_MAGIC[0] && first[1] === GZIP_MAGIC[1]) yield* gunzip(rest());
  else yield* rest();
}

async function* gunzip(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const input = Readable.from(source, { objectMode: false });
  const inflater = createGunzip();
  input.on('error', (error) => inflater.destroy(error));
  input.pipe(inflater);
  try {
    for await (const chunk of inflater as AsyncIterable<Buffer>) yield chunk;
  } finally {
    input.destroy();
    inflater.destroy();
  }
}

/** Passes at most `maxBytes` bytes, then ends (closing the source) and calls `onCut`. */
async function* capped(source: AsyncIterable<Buffer>, maxBytes: number, onCut: () => void): AsyncGenerator<Buffer> {
  let total = 0;
  for await (const chunk of source) {
    if (total + chunk.length > maxBytes) {
      if (maxBytes > total) yield chunk.subarray(0, maxBytes - total);
      onCut();
      return;
    }
    total += chunk.length;
    yield chunk;
  }
}

/**
 * Releases the connection behind a body at once: a Node stream is destroyed; an async iterator is
 * asked to return without waiting, since it may be blocked on a read that never completes. What
 * that return settles to no longer matters to anyone.
 */
function closeBody(body: SitemapDocument['body']): void {
  const destroyable = body as { destroy?: () => void };
  if (typeof destroyable.destroy === 'function') {
    destroyable.destroy();
    return;
  }
  (body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]()
    .return?.()
    .catch(() => undefined);
}

function toBuffer(chunk: Uint8Array | string): Buffer {
  return typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

function definedOnly(options: SitemapReadOptions): Partial<SitemapLimits> {
  const { maxDepth, maxUrls, maxBytes, maxDocuments } = options;
  return Object.fromEntries(Object.entries({ maxDepth, maxUrls, maxBytes, maxDocuments }).filter(([, value]) => value !== undefined));
}
