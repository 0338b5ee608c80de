import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { SafeFetcher } from './safe-fetch';
import { SafeFetchError } from './safe-fetch-errors';

async function drain(body: Readable): Promise<number> {
  let bytes = 0;
  for await (const chunk of body) bytes += (chunk as Buffer).length;
  return bytes;
}

describe('SafeFetcher.stream', () => {
  let server: Server;
  let base: string;

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/hop') return res.writeHead(302, { location: '/chunked' }).end();
      if (req.url === '/gzip') return res.writeHead(200, { 'content-encoding': 'gzip' }).end(gzipSync(Buffer.alloc(300 * 1024, 1)));
      if (req.url === '/private') return res.writeHead(302, { location: 'http://10.0.0.1/' }).end();
      res.writeHead(200, { 'transfer-encoding': 'chunked' });
      for (let i = 0; i < 8; i++) res.write(Buffer.alloc(64 * 1024, 98));
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const fetcher = (maxBytes: number) => new SafeFetcher({ userAgent: 'SluiceTest/1.0', allowlist: ['127.0.0.1/32'], maxBodyBytes: maxBytes, maxDecodedBytes: maxBytes });

  it('follows redirects and hands the body over as a stream', async () => {
    const f = fetcher(1024 * 1024);
    const res = await f.stream(`${base}/hop`);
    expect(res).toMatchObject({ status: 200, finalUrl: `${base}/chunked`, redirects: [`${base}/hop`] });
    expect(await drain(res.body)).toBe(512 * 1024);
    await f.close();
  });

  it('fails the stream once more than the limit went by, on the wire and after decompression', async () => {
    const f = fetcher(100 * 1024);
    const wire = await drain((await f.stream(`${base}/chunked`)).body).catch((e: unknown) => e);
    expect(wire).toMatchObject({ reason: 'body_too_large' });
    const decoded = await drain((await f.stream(`${base}/gzip`)).body).catch((e: unknown) => e);
    expect(decoded).toBeInstanceOf(SafeFetchError);
    expect(decoded).toMatchObject({ reason: 'decompressed_too_large' });
    await f.close();
  });

  it('checks every hop like fetch does', async () => {
    const f = fetcher(1024);
    await expect(f.stream(`${base}/private`)).rejects.toMatchObject({ reason: 'blocked_address' });
    await f.close();
  });
});
