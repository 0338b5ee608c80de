import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { SafeFetcher } from './safe-fetch';
import { BlockedAddressError, SafeFetchError } from './safe-fetch-errors';

// A hostile little site on loopback; the fetcher may reach 127.0.0.1 only because the test
// allowlists exactly that address, so any other loopback form must still be refused.
describe('SafeFetcher against a loopback fixture', () => {
  let server: Server;
  let base: string;
  let port: number;
  const requests: string[] = [];
  const routes: Record<string, (req: IncomingMessage, res: ServerResponse) => void> = {
    '/ok': (_req, res) => res.end('hello'),
    '/to-private': (_req, res) => res.writeHead(302, { location: `http://127.0.0.2:${port}/ok` }).end(),
    '/to-metadata': (_req, res) => res.writeHead(301, { location: 'http://169.254.169.254/latest/meta-data/' }).end(),
    '/to-file': (_req, res) => res.writeHead(302, { location: 'file:///etc/passwd' }).end(),
    '/hop': (_req, res) => res.writeHead(302, { location: '/ok' }).end(),
    '/loop': (_req, res) => res.writeHead(302, { location: '/loop' }).end(),
    '/big': (_req, res) => res.end(Buffer.alloc(2 * 1024 * 1024, 97)),
    '/big-chunked': (_req, res) => {
      res.writeHead(200, { 'transfer-encoding': 'chunked' });
      for (let i = 0; i < 40; i++) res.write(Buffer.alloc(64 * 1024, 98));
      res.end();
    },
    '/bomb': (_req, res) => res.writeHead(200, { 'content-encoding': 'gzip' }).end(gzipSync(Buffer.alloc(64 * 1024 * 1024))),
    '/gzip': (_req, res) => res.writeHead(200, { 'content-encoding': 'gzip' }).end(gzipSync('compressed hello')),
    '/slow': (_req, res) => {
      setTimeout(() => res.end('late'), 1_500).unref();
    },
  };

  beforeAll(async () => {
    server = createServer((req, res) => {
      requests.push(req.url ?? '');
      (routes[req.url ?? ''] ?? ((_q, r) => r.writeHead(404).end()))(req, res);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
    base = `http://127.0.0.1:${port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  const fetcher = (overrides = {}) =>
    new SafeFetcher({ allowlist: ['127.0.0.1/32'], userAgent: 'SluiceTest/1.0 (+https://example.org/bot)', maxBodyBytes: 1024 * 1024, maxDecodedBytes: 4 * 1024 * 1024, ...overrides });

  it('fetches an allowed URL, sending its honest user agent', async () => {
    const f = fetcher();
    const res = await f.fetch(`${base}/ok`);
    await f.close();
    expect(res).toMatchObject({ status: 200, finalUrl: `${base}/ok`, redirects: [] });
    expect(res.body.toString()).toBe('hello');
  });

  it('follows a same-site redirect and reports the hops', async () => {
    const f = fetcher();
    const res = await f.fetch(`${base}/hop`);
    await f.close();
    expect(res.finalUrl).toBe(`${base}/ok`);
    expect(res.redirects).toEqual([`${base}/hop`]);
  });

  it.each([
    ['loopback, not allowlisted', 'http://127.0.0.2/'],
    ['decimal form of 127.0.0.1', 'http://2130706433/'],
    ['octal form', 'http://0177.0.0.1/'],
    ['hex form', 'http://0x7f.0.0.1/'],
    ['IPv6 loopback', 'http://[::1]/'],
    ['IPv4-mapped IPv6 of a private address', 'http://[::ffff:10.0.0.1]/'],
    ['cloud metadata', 'http://169.254.169.254/latest/meta-data/'],
    ['unspecified', 'http://0.0.0.0/'],
    ['private range', 'http://192.168.0.1/'],
    ['CGNAT', 'http://100.64.0.1/'],
  ])('refuses %s before connecting (%s)', async (_name, url) => {
    const f = fetcher({ allowlist: [] });
    await expect(f.fetch(url)).rejects.toBeInstanceOf(BlockedAddressError);
    await f.close();
  });

  it('refuses a name that resolves to a private address, at connect time', async () => {
    const before = requests.length;
    const f = fetcher({ allowlist: [] });
    await expect(f.fetch(`http://localhost:${port}/ok`)).rejects.toBeInstanceOf(BlockedAddressError);
    await f.close();
    expect(requests.length).toBe(before);
  });

  it.each(['/to-private', '/to-metadata'])('refuses a redirect from an allowed site to a forbidden address (%s)', async (path) => {
    const before = requests.length;
    const f = fetcher();
    await expect(f.fetch(`${base}${path}`)).rejects.toBeInstanceOf(BlockedAddressError);
    await f.close();
    expect(requests.slice(before)).toEqual([path]);
  });

  it('refuses non-http schemes, also after a redirect, and credentials in URLs', async () => {
    const f = fetcher();
    await expect(f.fetch('file:///etc/passwd')).rejects.toMatchObject({ reason: 'bad_url' });
    await expect(f.fetch(`${base}/to-file`)).rejects.toMatchObject({ reason: 'bad_url' });
    await expect(f.fetch(`http://user:pw@127.0.0.1:${port}/ok`)).rejects.toMatchObject({ reason: 'bad_url' });
    await f.close();
  });

  it('stops a redirect loop', async () => {
    const f = fetcher({ maxRedirects: 3 });
    await expect(f.fetch(`${base}/loop`)).rejects.toMatchObject({ reason: 'too_many_redirects' });
    await f.close();
  });

  it('refuses bodies over the limit, declared or streamed', async () => {
    const f = fetcher();
    await expect(f.fetch(`${base}/big`)).rejects.toMatchObject({ reason: 'body_too_large' });
    await expect(f.fetch(`${base}/big-chunked`)).rejects.toMatchObject({ reason: 'body_too_large' });
    await f.close();
  });

  it('stops a compression bomb as it expands, and decodes honest gzip', async () => {
    const f = fetcher();
    await expect(f.fetch(`${base}/bomb`)).rejects.toMatchObject({ reason: 'decompressed_too_large' });
    expect((await f.fetch(`${base}/gzip`)).body.toString()).toBe('compressed hello');
    await f.close();
  });

  it('gives up on a server slower than the header timeout', async () => {
    const f = fetcher({ headersTimeoutMs: 300 });
    const error = await f.fetch(`${base}/slow`).catch((e: unknown) => e);
    await f.close();
    expect(error).toBeInstanceOf(SafeFetchError);
    expect(error).toMatchObject({ reason: 'timeout', code: 'UNAVAILABLE' });
  });
});
