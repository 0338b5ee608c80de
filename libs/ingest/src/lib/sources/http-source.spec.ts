import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { SafeFetcher } from '@sluice/safe-fetch';
import { IngestInputError } from '../ingest-errors';
import { finalOrRetryable, HttpSourceUnavailableError, openHttpSource } from './http-source';

async function text(stream: Readable): Promise<string> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(chunk as Buffer);
  return Buffer.concat(parts).toString('utf8');
}

describe('openHttpSource', () => {
  let server: Server;
  let base: string;
  const routes: Record<string, (req: IncomingMessage, res: ServerResponse) => void> = {
    '/data.csv': (_req, res) => res.writeHead(200, { 'content-type': 'text/csv' }).end('id\n1\n'),
    '/data.gz': (_req, res) => res.writeHead(200, { 'content-encoding': 'gzip' }).end(gzipSync('id\n2\n')),
    '/bomb': (_req, res) => res.writeHead(200, { 'content-encoding': 'gzip' }).end(gzipSync(Buffer.alloc(8 * 1024 * 1024))),
    '/streamed-big': (_req, res) => {
      res.writeHead(200, { 'transfer-encoding': 'chunked' });
      for (let i = 0; i < 40; i++) res.write(Buffer.alloc(64 * 1024, 97));
      res.end();
    },
    '/gone': (_req, res) => res.writeHead(404).end(),
    '/busy': (_req, res) => res.writeHead(503).end(),
    '/to-metadata': (_req, res) => res.writeHead(302, { location: 'http://169.254.169.254/latest/' }).end(),
  };

  beforeAll(async () => {
    server = createServer((req, res) => (routes[req.url ?? ''] ?? ((_q, r) => r.writeHead(404).end()))(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const withFetcher = async <T>(use: (fetcher: SafeFetcher) => Promise<T>, allowlist = ['127.0.0.1/32']) => {
    const fetcher = new SafeFetcher({ userAgent: 'SluiceTest/1.0', allowlist, maxBodyBytes: 1024 * 1024, maxDecodedBytes: 1024 * 1024 });
    try {
      return await use(fetcher);
    } finally {
      await fetcher.close();
    }
  };

  it('streams a body, decompressed', async () => {
    expect(await withFetcher(async (f) => text(await openHttpSource(f, `${base}/data.csv`)))).toBe('id\n1\n');
    expect(await withFetcher(async (f) => text(await openHttpSource(f, `${base}/data.gz`)))).toBe('id\n2\n');
  });

  it('stops a body that grows past the limit while it streams, and a compression bomb as it expands', async () => {
    const big = await withFetcher(async (f) => text(await openHttpSource(f, `${base}/streamed-big`)).catch((e: unknown) => e));
    expect(finalOrRetryable(big, 'u')).toBeInstanceOf(IngestInputError);
    expect(String(big)).toMatch(/larger than 1048576 bytes/);
    const bomb = await withFetcher(async (f) => text(await openHttpSource(f, `${base}/bomb`)).catch((e: unknown) => e));
    expect(String(bomb)).toMatch(/expands past/);
  });

  it('fails for good on a 404 and a refused address, and retryably on a 503', async () => {
    await expect(withFetcher((f) => openHttpSource(f, `${base}/gone`))).rejects.toThrow(new IngestInputError(`${base}/gone answered 404`));
    await expect(withFetcher((f) => openHttpSource(f, `${base}/busy`))).rejects.toBeInstanceOf(HttpSourceUnavailableError);
    await expect(withFetcher((f) => openHttpSource(f, `${base}/to-metadata`))).rejects.toThrow(/169\.254\.169\.254/);
    await expect(withFetcher((f) => openHttpSource(f, `${base}/data.csv`), [])).rejects.toBeInstanceOf(IngestInputError);
  });
});
