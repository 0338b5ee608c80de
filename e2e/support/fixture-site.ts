// A website for crawl tests and benchmarks, served on loopback by the test itself, with an access
// log. Only node builtins and erasable TypeScript, so benchmarks can load it with plain `node`.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';

export interface AccessLogEntry {
  /** Date.now() when the request arrived */
  readonly at: number;
  /** "main" or "blocked" (the host whose robots.txt answers 503) */
  readonly site: 'main' | 'blocked';
  readonly path: string;
  readonly userAgent: string;
}

export interface FixtureSiteOptions {
  /** listing pages under /section/<s>; each links to `itemsPerSection` item pages */
  readonly sections?: number;
  readonly itemsPerSection?: number;
  /** robots.txt Crawl-delay of the main site, seconds; undefined leaves it out */
  readonly crawlDelaySeconds?: number;
  /** leave out the slow, huge, bomb, redirect, 429 and charset pages (benchmarks) */
  readonly plain?: boolean;
  /** delay of /slow/* pages; default 300 ms */
  readonly slowMs?: number;
  /** Retry-After of the first answer (429) of /busy; default 2 s */
  readonly retryAfterSeconds?: number;
  /**
   * Loopback address both servers listen on; default 127.0.0.1. Any 127.x.y.z works on Linux, so a
   * test can allowlist this host alone and keep 127.0.0.1 forbidden.
   */
  readonly host?: string;
  /** more links on the home page (may point anywhere); their pages are not part of `expected` */
  readonly extraLinks?: readonly string[];
  /** path → URL: pages of the main site that answer 302 to the URL; not part of `expected` */
  readonly redirects?: Readonly<Record<string, string>>;
}

/** A page the crawl must store, with what extraction must find on it. */
export interface ExpectedPage {
  readonly path: string;
  /** null when the fetch failed before a response */
  readonly status: number | null;
  readonly title?: string;
  readonly data?: Record<string, unknown>;
  /** stored with an error (and no data): HTTP 4xx or a refused/oversized fetch */
  readonly error?: RegExp;
  /** the path of the page with the same content (either of the two may be the one stored first) */
  readonly sameContentAs?: string;
}

export interface FixtureSite {
  /** http://<host>:<port> of the main site */
  readonly origin: string;
  /** http://<host>:<other port>: a second host whose robots.txt answers 503 */
  readonly blockedOrigin: string;
  readonly log: AccessLogEntry[];
  /** every page a crawl of `origin + '/'` with EXTRACT, maxDepth 3, exclude EXCLUDE must store */
  readonly expected: ExpectedPage[];
  /** paths of the main site a polite crawl must never request */
  readonly forbidden: readonly string[];
  close(): Promise<void>;
}

/** The extraction fields the expectations are written for. */
export const EXTRACT = {
  name: 'h1.name',
  price: { selector: '.price', attr: 'data-amount' },
  tags: { selector: 'li.tag', all: true },
  missing: '.not-on-any-page',
} as const;

/** The exclude glob the expectations are written for. */
export const EXCLUDE = ['**/excluded/**'];

const html = (title: string, body: string, head = '') =>
  `<!doctype html><html><head>${head}<title>${title}</title></head><body>${body}</body></html>`;
const links = (paths: readonly string[]) => paths.map((p) => `<a href="${p}">${p}</a>`).join(' ');

interface Route {
  status?: number;
  headers?: Record<string, string>;
  body: Buffer | string;
  delayMs?: number;
}

/** Starts the two servers; the caller closes them. */
export async function startFixtureSite(options: FixtureSiteOptions = {}): Promise<FixtureSite> {
  const sections = options.sections ?? 10;
  const perSection = options.itemsPerSection ?? 20;
  const log: AccessLogEntry[] = [];
  const host = options.host ?? '127.0.0.1';
  const main = await listen(host);
  const blocked = await listen(host);
  const urlHost = host.includes(':') ? `[${host}]` : host;
  const origin = `http://${urlHost}:${(main.address() as AddressInfo).port}`;
  const blockedOrigin = `http://${urlHost}:${(blocked.address() as AddressInfo).port}`;
  const routes = new Map<string, Route>();
  const expected: ExpectedPage[] = [];
  const page = (path: string, title: string, body: string, exp: Partial<ExpectedPage> = {}, head = '') => {
    routes.set(path, { headers: { 'content-type': 'text/html; charset=utf-8' }, body: html(title, body, head) });
    expected.push({ path, status: 200, title, data: { name: null, price: null, tags: [], missing: null }, ...exp });
  };
  const itemCount = sections * perSection;
  const itemPath = (i: number) => `/items/${i}`;
  const specials = options.plain ? [] : ['/slow/1', '/slow/2', '/busy', '/huge', '/bomb', '/to-private', '/to-metadata', '/sjis', '/cp1251', '/missing'];

  // depth 0: the home page; depth 1: sections and specials; depth 2: items; depth 3: authors
  page(
    '/',
    'Fixture home',
    links([
      ...Array.from({ length: sections }, (_, s) => `/section/${s}`),
      ...specials,
      '/private/secret',
      '/excluded/page',
      '/deep/1',
      `${blockedOrigin}/`,
      'mailto:owner@example.org',
      'http://127.0.0.1:9/never',
      ...(options.extraLinks ?? []),
    ]),
  );
  for (let s = 0; s < sections; s++) {
    const items = Array.from({ length: perSection }, (_, k) => s * perSection + k);
    page(`/section/${s}`, `Section ${s}`, links(items.map((i) => `${itemPath(i)}?utm_source=fixture#top`)));
  }
  for (let i = 0; i < itemCount; i++) {
    const author = `/authors/${i % 10}`;
    page(
      itemPath(i),
      `Item ${i}`,
      `<h1 class="name"> Item   ${i} </h1><span class="price" data-amount="${i}.99">${i}.99 EUR</span><ul><li class="tag">t${i % 3}</li><li class="tag">all</li></ul>${links([author, '/private/from-item', ...(i === 1 && !options.plain ? ['/copy-of-item-0'] : [])])}`,
      { data: { name: `Item ${i}`, price: `${i}.99`, tags: [`t${i % 3}`, 'all'], missing: null } },
    );
  }
  for (let a = 0; a < Math.min(10, itemCount); a++) page(`/authors/${a}`, `Author ${a}`, links(['/deep/from-author']));
  // a chain deeper than maxDepth 3: /deep/4 must never be requested
  for (let d = 1; d <= 3; d++) page(`/deep/${d}`, `Deep ${d}`, links([`/deep/${d + 1}`]));
  routes.set('/deep/4', { body: html('Too deep', '') });

  // pages only the sitemaps list (sitemap index, gzipped, names a plain and a gzipped sitemap)
  const sitemapPaths = Array.from({ length: 6 }, (_, i) => `/from-sitemap/${i}`);
  for (const path of sitemapPaths) page(path, `Listed ${path}`, '');
  const urlset = (paths: string[]) =>
    `<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${paths.map((p) => `<url><loc>${origin}${p}</loc></url>`).join('')}</urlset>`;
  routes.set('/sitemap-a.xml', { headers: { 'content-type': 'application/xml' }, body: urlset(sitemapPaths.slice(0, 3)) });
  routes.set('/sitemap-b.xml.gz', { headers: { 'content-type': 'application/gzip' }, body: gzipSync(urlset([...sitemapPaths.slice(3), '/private/in-sitemap'])) });
  const index = `<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>${origin}/sitemap-a.xml</loc></sitemap><sitemap><loc>${origin}/sitemap-b.xml.gz</loc></sitemap></sitemapindex>`;
  routes.set('/sitemap-index.xml.gz', { headers: { 'content-type': 'application/gzip' }, body: gzipSync(index) });
  routes.set('/robots.txt', {
    headers: { 'content-type': 'text/plain' },
    body: [
      'User-agent: *',
      'Disallow: /private/',
      ...(options.crawlDelaySeconds !== undefined ? [`Crawl-delay: ${options.crawlDelaySeconds}`] : []),
      '',
      'User-agent: OtherBot',
      'Disallow: /',
      '',
      `Sitemap: ${origin}/sitemap-index.xml.gz`,
      '',
    ].join('\n'),
  });
  routes.set('/private/secret', { body: html('Secret', '') });
  routes.set('/private/from-item', { body: html('Secret', '') });
  routes.set('/private/in-sitemap', { body: html('Secret', '') });
  routes.set('/excluded/page', { body: html('Excluded', '') });

  if (!options.plain) addSpecialPages(routes, expected, options);
  for (const [path, location] of Object.entries(options.redirects ?? {})) routes.set(path, { status: 302, headers: { location }, body: '' });

  let busyAnswered = false;
  main.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const path = req.url ?? '/';
    log.push({ at: Date.now(), site: 'main', path, userAgent: String(req.headers['user-agent'] ?? '') });
    const bare = path.replace(/[?#].*$/, '');
    if (bare === '/busy' && !busyAnswered) {
      busyAnswered = true;
      res.writeHead(429, { 'retry-after': String(options.retryAfterSeconds ?? 2), 'content-type': 'text/plain' }).end('slow down');
      return;
    }
    const route = routes.get(bare);
    if (!route) {
      res.writeHead(404, { 'content-type': 'text/html' }).end(html('Not found', ''));
      return;
    }
    const send = () => res.writeHead(route.status ?? 200, route.headers ?? { 'content-type': 'text/html; charset=utf-8' }).end(route.body);
    if (route.delayMs) setTimeout(send, route.delayMs);
    else send();
  });
  blocked.on('request', (req: IncomingMessage, res: ServerResponse) => {
    log.push({ at: Date.now(), site: 'blocked', path: req.url ?? '/', userAgent: String(req.headers['user-agent'] ?? '') });
    if (req.url === '/robots.txt') res.writeHead(503, { 'content-type': 'text/plain' }).end('maintenance');
    else res.writeHead(200, { 'content-type': 'text/html' }).end(html('Blocked host page', ''));
  });

  return {
    origin,
    blockedOrigin,
    log,
    expected,
    forbidden: ['/private/secret', '/private/from-item', '/private/in-sitemap', '/excluded/page', '/deep/4', '/deep/from-author'],
    close: async () => {
      await Promise.all([main, blocked].map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
    },
  };
}

function addSpecialPages(routes: Map<string, Route>, expected: ExpectedPage[], options: FixtureSiteOptions): void {
  const blank = { name: null, price: null, tags: [], missing: null };
  for (const path of ['/slow/1', '/slow/2']) {
    routes.set(path, { delayMs: options.slowMs ?? 300, headers: { 'content-type': 'text/html' }, body: html(`Slow ${path}`, '') });
    expected.push({ path, status: 200, title: `Slow ${path}`, data: blank });
  }
  routes.set('/busy', { headers: { 'content-type': 'text/html' }, body: html('Busy, then fine', '') });
  expected.push({ path: '/busy', status: 200, title: 'Busy, then fine', data: blank });
  // 12 MiB, over safe-fetch's 10 MiB default body limit
  routes.set('/huge', { headers: { 'content-type': 'text/html' }, body: Buffer.alloc(12 * 1024 * 1024, 'a') });
  expected.push({ path: '/huge', status: null, error: /body_too_large/ });
  // 64 MiB of zeros in ~64 KiB of gzip: over the 50 MiB decompression limit
  routes.set('/bomb', { headers: { 'content-type': 'text/html', 'content-encoding': 'gzip' }, body: gzipSync(Buffer.alloc(64 * 1024 * 1024)) });
  expected.push({ path: '/bomb', status: null, error: /decompressed_too_large/ });
  routes.set('/to-private', { status: 302, headers: { location: 'http://10.0.0.1/admin' }, body: '' });
  expected.push({ path: '/to-private', status: null, error: /blocked_address/ });
  routes.set('/to-metadata', { status: 301, headers: { location: 'http://169.254.169.254/latest/meta-data/' }, body: '' });
  expected.push({ path: '/to-metadata', status: null, error: /blocked_address/ });
  // Shift_JIS named by the header; windows-1251 named only by <meta charset>
  routes.set('/sjis', { headers: { 'content-type': 'text/html; charset=Shift_JIS' }, body: Buffer.from(encodeShiftJis()) });
  expected.push({ path: '/sjis', status: 200, title: '日本語のページ', data: { ...blank, name: '価格表' } });
  routes.set('/cp1251', { headers: { 'content-type': 'text/html' }, body: Buffer.from(encodeCp1251()) });
  expected.push({ path: '/cp1251', status: 200, title: 'Привет, мир', data: { ...blank, name: 'Цены' } });
  expected.push({ path: '/missing', status: 404, error: /HTTP 404/ });
  routes.set('/copy-of-item-0', routes.get('/items/0')!);
  expected.push({ path: '/copy-of-item-0', status: 200, title: 'Item 0', data: { name: 'Item 0', price: '0.99', tags: ['t0', 'all'], missing: null }, sameContentAs: '/items/0' });
}

// The two non-UTF-8 pages, encoded by hand (iconv-lite is not a builtin): bytes of
// `<title>日本語のページ</title><h1 class="name">価格表</h1>` in Shift_JIS and of the Russian text in windows-1251.
function encodeShiftJis(): Uint8Array {
  const sjis: Record<string, number[]> = {
    日: [0x93, 0xfa], 本: [0x96, 0x7b], 語: [0x8c, 0xea], の: [0x82, 0xcc], ペ: [0x83, 0x79], ー: [0x81, 0x5b], ジ: [0x83, 0x57],
    価: [0x89, 0xbf], 格: [0x8a, 0x69], 表: [0x95, 0x5c],
  };
  return encodeWith('<!doctype html><html><head><title>日本語のページ</title></head><body><h1 class="name">価格表</h1></body></html>', (ch) => sjis[ch]);
}

function encodeCp1251(): Uint8Array {
  // Cyrillic А..я are 0xC0..0xFF in windows-1251
  const cyr = (ch: string) => {
    const code = ch.codePointAt(0)!;
    return code >= 0x410 && code <= 0x44f ? [code - 0x410 + 0xc0] : undefined;
  };
  return encodeWith('<!doctype html><html><head><meta charset="windows-1251"><title>Привет, мир</title></head><body><h1 class="name">Цены</h1></body></html>', cyr);
}

function encodeWith(text: string, lookup: (ch: string) => number[] | undefined): Uint8Array {
  const bytes: number[] = [];
  for (const ch of text) {
    if (ch.charCodeAt(0) < 0x80) bytes.push(ch.charCodeAt(0));
    else {
      const mapped = lookup(ch);
      if (!mapped) throw new Error(`no byte mapping for ${ch}`);
      bytes.push(...mapped);
    }
  }
  return Uint8Array.from(bytes);
}

function listen(host: string): Promise<Server> {
  const server = createServer();
  server.keepAliveTimeout = 1_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve(server));
  });
}
