import type { Readable } from 'node:stream';
import { Agent, errors as undiciErrors, request } from 'undici';
import { AddressPolicy } from './address-policy';
import { guardedLookup } from './guarded-lookup';
import { limitedBody, readLimited } from './read-limited';
import { BlockedAddressError, SafeFetchError } from './safe-fetch-errors';

export interface SafeFetchOptions {
  /** CIDRs reachable even though private (operator config; tests use 127.0.0.1/32). */
  readonly allowlist?: readonly string[];
  readonly userAgent: string;
  readonly maxRedirects?: number;
  readonly connectTimeoutMs?: number;
  readonly headersTimeoutMs?: number;
  /** longest pause between two body chunks */
  readonly bodyTimeoutMs?: number;
  /** bound on the whole exchange, redirects included */
  readonly totalTimeoutMs?: number;
  readonly maxBodyBytes?: number;
  readonly maxDecodedBytes?: number;
}

export interface FetchRequest {
  readonly method?: 'GET' | 'HEAD';
  readonly headers?: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal;
}

export interface FetchedResponse {
  readonly status: number;
  readonly url: string;
  readonly finalUrl: string;
  readonly redirects: readonly string[];
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
  readonly elapsedMs: number;
}

/** A response whose body is read as a stream (see SafeFetcher.stream). */
export interface StreamedResponse extends Omit<FetchedResponse, 'body' | 'elapsedMs'> {
  readonly body: Readable;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * Outbound HTTP for user-supplied URLs. http(s) only; every address of every hop is checked
 * when the socket connects (see guardedLookup), IP literals before that; redirects are followed
 * by hand so each hop is checked; time, size and decompressed-size limits throughout.
 */
export class SafeFetcher {
  private readonly policy: AddressPolicy;
  private readonly agent: Agent;
  private readonly o: Required<Omit<SafeFetchOptions, 'allowlist'>>;

  constructor(options: SafeFetchOptions) {
    this.policy = new AddressPolicy(options.allowlist);
    this.o = {
      userAgent: options.userAgent,
      maxRedirects: options.maxRedirects ?? 5,
      connectTimeoutMs: options.connectTimeoutMs ?? 5_000,
      headersTimeoutMs: options.headersTimeoutMs ?? 10_000,
      bodyTimeoutMs: options.bodyTimeoutMs ?? 15_000,
      totalTimeoutMs: options.totalTimeoutMs ?? 30_000,
      maxBodyBytes: options.maxBodyBytes ?? 10 * 1024 * 1024,
      maxDecodedBytes: options.maxDecodedBytes ?? 50 * 1024 * 1024,
    };
    this.agent = new Agent({
      connect: { lookup: guardedLookup(this.policy), timeout: this.o.connectTimeoutMs },
      headersTimeout: this.o.headersTimeoutMs,
      bodyTimeout: this.o.bodyTimeoutMs,
      connections: 64,
    });
  }

  async fetch(url: string, req: FetchRequest = {}): Promise<FetchedResponse> {
    const started = performance.now();
    const signal = req.signal ? AbortSignal.any([req.signal, AbortSignal.timeout(this.o.totalTimeoutMs)]) : AbortSignal.timeout(this.o.totalTimeoutMs);
    const { res, finalUrl, redirects, headers } = await this.open(url, req, signal);
    const body = req.method === 'HEAD' ? Buffer.alloc(0) : await this.read(res.body, headers['content-encoding']);
    return { status: res.statusCode, url, finalUrl, redirects, headers, body, elapsedMs: Math.round(performance.now() - started) };
  }

  /**
   * Like `fetch`, but the body is a stream for the caller to read (and destroy when it stops early),
   * with the same limits enforced while it flows: bytes on the wire, bytes after decompression, and
   * the total deadline, which keeps running until the body has been read.
   */
  async stream(url: string, req: Omit<FetchRequest, 'method'> = {}): Promise<StreamedResponse> {
    const signal = req.signal ? AbortSignal.any([req.signal, AbortSignal.timeout(this.o.totalTimeoutMs)]) : AbortSignal.timeout(this.o.totalTimeoutMs);
    const { res, finalUrl, redirects, headers } = await this.open(url, req, signal);
    const body = limitedBody(res.body, headers['content-encoding'], this.o.maxBodyBytes, this.o.maxDecodedBytes);
    return { status: res.statusCode, url, finalUrl, redirects, headers, body };
  }

  /** Sends the request and follows redirects by hand, each hop checked; refuses a declared body over the limit. */
  private async open(url: string, req: FetchRequest, signal: AbortSignal) {
    const redirects: string[] = [];
    let current = this.checkUrl(url);
    for (;;) {
      const res = await this.send(current, req, signal);
      const location = res.headers.location;
      if (REDIRECTS.has(res.statusCode) && typeof location === 'string') {
        await res.body.dump({ limit: 64 * 1024 }).catch(() => undefined);
        if (redirects.length >= this.o.maxRedirects) throw new SafeFetchError('too_many_redirects', `more than ${this.o.maxRedirects} redirects`);
        redirects.push(current.href);
        current = this.checkUrl(new URL(location, current).href);
        continue;
      }
      const headers = flattenHeaders(res.headers);
      const declared = Number(headers['content-length']);
      if (Number.isFinite(declared) && declared > this.o.maxBodyBytes) {
        res.body.destroy(new SafeFetchError('body_too_large', 'declared body too large'));
        res.body.on('error', () => undefined);
        throw new SafeFetchError('body_too_large', `body of ${declared} bytes is larger than ${this.o.maxBodyBytes}`);
      }
      return { res, finalUrl: current.href, redirects, headers };
    }
  }

  close(): Promise<void> {
    return this.agent.close();
  }

  /** http(s) only, no credentials in the URL, and an IP literal host is judged here (no DNS lookup happens for it). */
  private checkUrl(raw: string): URL {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new SafeFetchError('bad_url', `not a URL: ${raw.slice(0, 200)}`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new SafeFetchError('bad_url', `scheme ${url.protocol} is not allowed`);
    if (url.username || url.password) throw new SafeFetchError('bad_url', 'credentials in URLs are not allowed');
    const forbidden = this.policy.forbiddenLiteral(url.hostname);
    if (forbidden) throw new BlockedAddressError(forbidden.address, forbidden.address, forbidden.range);
    return url;
  }

  private async send(url: URL, req: FetchRequest, signal: AbortSignal) {
    try {
      return await request(url, {
        method: req.method ?? 'GET',
        headers: { 'user-agent': this.o.userAgent, 'accept-encoding': 'gzip, deflate, br', ...req.headers },
        dispatcher: this.agent,
        signal,
      });
    } catch (error) {
      throw translate(error, signal);
    }
  }

  private async read(body: Parameters<typeof readLimited>[0], encoding: string | undefined): Promise<Buffer> {
    try {
      return await readLimited(body, encoding, this.o.maxBodyBytes, this.o.maxDecodedBytes);
    } catch (error) {
      throw translate(error);
    }
  }
}

function translate(error: unknown, signal?: AbortSignal): Error {
  if (error instanceof SafeFetchError) return error;
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof SafeFetchError) return cause;
  if (signal?.aborted || error instanceof undiciErrors.HeadersTimeoutError || error instanceof undiciErrors.BodyTimeoutError || error instanceof undiciErrors.ConnectTimeoutError) {
    return new SafeFetchError('timeout', 'the server took too long');
  }
  return new SafeFetchError('network', error instanceof Error ? error.message : String(error));
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers)) if (value !== undefined) flat[key] = Array.isArray(value) ? value.join(', ') : value;
  return flat;
}
