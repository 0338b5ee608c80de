import { createServer, get, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { readSitemaps, type SitemapDocument, type SitemapReadOptions } from './sitemap-reader';

const urlset = (locs: string[]) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${locs.map((l) => `<url><loc>${l}</loc><lastmod>2024-01-01</lastmod></url>`).join('\n')}</urlset>`;
const sitemapIndex = (locs: string[]) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${locs.map((l) => `<sitemap><loc>${l}</loc></sitemap>`).join('\n')}</sitemapindex>`;

interface Route {
  readonly status?: number;
  readonly body: Buffer | string;
  readonly type?: string;
}

describe('readSitemaps', () => {
  let server: Server;
  let origin: string;
  const routes = new Map<string, Route>();
  const requested: string[] = [];

  const fetchDoc = (url: string): Promise<SitemapDocument> =>
    new Promise((resolve, reject) => {
      get(url, (res: IncomingMessage) => resolve({ status: res.statusCode ?? 0, body: res, contentType: res.headers['content-type'] })).on('error', reject);
    });
  const collect = async (roots: string[], options: SitemapReadOptions = {}) => {
    const urls: string[] = [];
    for await (const url of readSitemaps(roots, fetchDoc, options)) urls.push(url);
    return urls;
  };
  const at = (path: string) => `${origin}${path}`;
  const pages = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => at(`${prefix}/${i}`));

  beforeAll(async () => {
    server = createServer((req, res) => {
      requested.push(req.url ?? '');
      const route = routes.get(req.url ?? '');
      if (!route) {
        res.writeHead(404).end('not found');
        return;
      }
      res.writeHead(route.status ?? 200, { 'content-type': route.type ?? 'application/xml' });
      res.end(route.body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  beforeEach(() => {
    routes.clear();
    requested.length = 0;
  });

  it('yields the page URLs of a plain sitemap, normalised and deduplicated', async () => {
    routes.set('/sitemap.xml', { body: urlset([at('/a'), at('/b?utm_source=x'), at('/a#top'), 'mailto:nobody@example.com', at('/c')]) });
    expect(await collect([at('/sitemap.xml')])).toEqual([at('/a'), at('/b'), at('/c')]);
  });

  it('reads a gzipped sitemap recognised by its bytes, whatever its name and type', async () => {
    routes.set('/sitemap.xml.gz', { body: gzipSync(urlset(pages('/gz', 3))), type: 'application/gzip' });
    routes.set('/disguised', { body: gzipSync(urlset(pages('/d', 2))), type: 'text/xml' });
    routes.set('/decoded-in-transit.xml.gz', { body: urlset(pages('/plain', 1)), type: 'application/gzip' });
    expect(await collect([at('/sitemap.xml.gz'), at('/disguised'), at('/decoded-in-transit.xml.gz')])).toEqual([
      ...pages('/gz', 3),
      ...pages('/d', 2),
      ...pages('/plain', 1),
    ]);
  });

  it('follows nested sitemap indexes, gzipped ones included, and yields only pages', async () => {
    routes.set('/index.xml', { body: sitemapIndex([at('/a.xml'), at('/b.xml.gz'), at('/nested-index.xml.gz')]) });
    routes.set('/a.xml', { body: urlset(pages('/a', 2)) });
    routes.set('/b.xml.gz', { body: gzipSync(urlset(pages('/b', 2))) });
    routes.set('/nested-index.xml.gz', { body: gzipSync(sitemapIndex([at('/c.xml'), at('/a.xml')])) });
    routes.set('/c.xml', { body: `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc><![CDATA[${at('/c/0')}]]></loc></url></urlset>` });
    const urls = await collect([at('/index.xml')]);
    expect(urls.sort()).toEqual([...pages('/a', 2), ...pages('/b', 2), at('/c/0')].sort());
    expect(requested.filter((path) => path === '/a.xml')).toHaveLength(1);
  });

  it('skips broken nested sitemaps and reads the rest', async () => {
    routes.set('/index.xml', { body: sitemapIndex([at('/err500.xml'), at('/missing.xml'), at('/broken.xml'), at('/bad.gz'), 'http://127.0.0.1:1/unreachable.xml', at('/good.xml')]) });
    routes.set('/err500.xml', { status: 500, body: 'oops' });
    routes.set('/broken.xml', { body: '<urlset><url><loc>http://x.example/1</loc></url><url></urlset>' });
    routes.set('/bad.gz', { body: Buffer.concat([gzipSync(urlset(pages('/bad', 1))).subarray(0, 12), Buffer.from('garbage')]) });
    routes.set('/good.xml', { body: urlset(pages('/good', 2)) });
    const skipped: string[] = [];
    const urls = await collect([at('/index.xml')], { onSkip: (url) => skipped.push(url) });
    expect(urls).toEqual(expect.arrayContaining(pages('/good', 2)));
    expect(urls).not.toContain(at('/bad/0'));
    expect(skipped.sort()).toEqual([at('/bad.gz'), at('/broken.xml'), at('/err500.xml'), at('/missing.xml'), 'http://127.0.0.1:1/unreachable.xml'].sort());
  });

  it('stops at maxUrls without fetching further documents', async () => {
    routes.set('/index.xml', { body: sitemapIndex([at('/one.xml'), at('/two.xml')]) });
    routes.set('/one.xml', { body: urlset(pages('/one', 10)) });
    routes.set('/two.xml', { body: urlset(pages('/two', 10)) });
    expect(await collect([at('/index.xml')], { maxUrls: 4 })).toEqual(pages('/one', 4));
    expect(requested).not.toContain('/two.xml');
  });

  it('reads no deeper than maxDepth', async () => {
    routes.set('/d0.xml', { body: sitemapIndex([at('/d1.xml'), at('/p0.xml')]) });
    routes.set('/p0.xml', { body: urlset([at('/p/0')]) });
    routes.set('/d1.xml', { body: sitemapIndex([at('/d2.xml'), at('/p1.xml')]) });
    routes.set('/p1.xml', { body: urlset([at('/p/1')]) });
    routes.set('/d2.xml', { body: sitemapIndex([at('/p2.xml')]) });
    routes.set('/p2.xml', { body: urlset([at('/p/2')]) });
    expect((await collect([at('/d0.xml')], { maxDepth: 2 })).sort()).toEqual([at('/p/0'), at('/p/1')]);
    expect(requested).not.toContain('/p2.xml');
  });

  it('fetches at most maxDocuments documents', async () => {
    routes.set('/index.xml', { body: sitemapIndex(Array.from({ length: 10 }, (_, i) => at(`/s${i}.xml`))) });
    for (let i = 0; i < 10; i++) routes.set(`/s${i}.xml`, { body: urlset([at(`/page/${i}`)]) });
    const urls = await collect([at('/index.xml')], { maxDocuments: 4 });
    expect(urls).toEqual([at('/page/0'), at('/page/1'), at('/page/2')]);
    expect(requested).toHaveLength(4);
  });

  it('cuts a document at maxBytes after decompression, so a compression bomb stops early', async () => {
    const head = urlset(pages('/early', 3)).replace('</urlset>', '');
    const bomb = gzipSync(Buffer.concat([Buffer.from(head), Buffer.alloc(16 * 1024 * 1024, ' '), Buffer.from(`<url><loc>${at('/late')}</loc></url></urlset>`)]));
    expect(bomb.length).toBeLessThan(1024 * 1024);
    routes.set('/bomb.xml.gz', { body: bomb });
    const skipped: string[] = [];
    const urls = await collect([at('/bomb.xml.gz')], { maxBytes: 256 * 1024, onSkip: (_url, reason) => skipped.push(reason) });
    expect(urls).toEqual(pages('/early', 3));
    expect(skipped).toEqual(['cut at 262144 bytes']);
  });

  it('releases the body when the caller stops early', async () => {
    let released = false;
    let served = 0;
    const body = async function* () {
      try {
        yield Buffer.from('<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">');
        for (let i = 0; i < 1_000_000; i++) {
          served++;
          yield Buffer.from(`<url><loc>http://mem.example/${i}</loc></url>`);
        }
        yield Buffer.from('</urlset>');
      } finally {
        released = true;
      }
    };
    const urls: string[] = [];
    for await (const url of readSitemaps(['http://mem.example/sitemap.xml'], async () => ({ status: 200, body: body() }), {})) {
      urls.push(url);
      if (urls.length === 3) break;
    }
    expect(urls).toEqual(['http://mem.example/0', 'http://mem.example/1', 'http://mem.example/2']);
    for (let turn = 0; turn < 100 && !released; turn++) await new Promise((resolve) => setImmediate(resolve));
    expect(released).toBe(true);
    expect(served).toBeLessThan(10_000);
  });

  it('rejects with the reason when the signal aborts', async () => {
    routes.set('/a.xml', { body: urlset(pages('/a', 5)) });
    const controller = new AbortController();
    const reason = new Error('cancelled by the task');
    const iterate = async () => {
      for await (const _url of readSitemaps([at('/a.xml'), at('/a.xml?second')], fetchDoc, {}, controller.signal)) controller.abort(reason);
    };
    await expect(iterate()).rejects.toBe(reason);
  });
});
