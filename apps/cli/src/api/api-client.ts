import { setTimeout as sleep } from 'node:timers/promises';
import { fetch, type Response } from 'undici';
import { ApiProblemError, CliError, ConnectionError } from '../errors/cli-errors';
import type { Authenticator } from './authenticator';
import { problemFromBody } from './problem';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface RequestOptions {
  readonly query?: Readonly<Record<string, string | undefined>>;
  /** sent as application/json */
  readonly json?: unknown;
  /** sent as it is, e.g. a YAML pipeline definition */
  readonly text?: { readonly body: string; readonly contentType: string };
  readonly headers?: Readonly<Record<string, string>>;
  /** false for the token endpoints themselves */
  readonly authenticated?: boolean;
}

export interface ApiResponse<T> {
  readonly status: number;
  readonly body: T;
}

export interface ApiClientOptions {
  readonly userAgent: string;
  readonly authenticator?: Authenticator;
  /** per request, until the whole answer has arrived (streams: until the headers have) */
  readonly timeoutMs?: number;
  /** attempts for answers worth retrying (429, 502-504), only for requests that are safe to repeat */
  readonly maxAttempts?: number;
  /** upper bound of one wait between attempts, whatever Retry-After says */
  readonly maxRetryWaitMs?: number;
}

const RETRYABLE_STATUSES = new Set([429, 502, 503, 504]);

/** The gateway's public REST API (API.md): base URL, credentials, problem+json errors, bounded retries. */
export class ApiClient {
  private readonly timeoutMs: number;
  private readonly maxAttempts: number;
  private readonly maxRetryWaitMs: number;

  constructor(
    readonly baseUrl: string,
    private readonly options: ApiClientOptions,
  ) {
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.maxAttempts = options.maxAttempts ?? 3;
    this.maxRetryWaitMs = options.maxRetryWaitMs ?? 30_000;
  }

  /** The same server, with these credentials. */
  withAuthenticator(authenticator: Authenticator): ApiClient {
    return new ApiClient(this.baseUrl, { ...this.options, authenticator });
  }

  url(path: string, query: RequestOptions['query'] = {}): string {
    const base = this.baseUrl.endsWith('/') ? this.baseUrl : `${this.baseUrl}/`;
    const url = new URL(path.replace(/^\/+/, ''), base);
    for (const [key, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(key, value);
    return url.toString();
  }

  async json<T>(method: HttpMethod, path: string, options: RequestOptions = {}): Promise<ApiResponse<T>> {
    const repeatable = method === 'GET' || method === 'PUT' || method === 'DELETE' || options.headers?.['idempotency-key'] !== undefined;
    for (let attempt = 1; ; attempt++) {
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(new ConnectionError(this.baseUrl, `no answer within ${this.timeoutMs / 1000} s`)), this.timeoutMs);
      try {
        const res = await this.send(method, path, options, { accept: 'application/json, application/problem+json' }, controller.signal);
        const text = await res.text();
        if (res.ok) return { status: res.status, body: parseJsonBody<T>(res.status, text) };
        const retryAfterMs = this.retryWait(res, attempt);
        if (repeatable && retryAfterMs !== undefined) {
          clearTimeout(timer);
          await sleep(retryAfterMs);
          continue;
        }
        throw new ApiProblemError(problemFromBody(res.status, res.statusText, text));
      } catch (error) {
        throw controller.signal.aborted ? controller.signal.reason : error;
      } finally {
        clearTimeout(timer);
      }
    }
  }

  /**
   * Opens a streaming GET (Server-Sent Events). The timeout covers the answer's headers only; the
   * caller reads the body and aborts it through `signal`.
   */
  async stream(path: string, headers: Readonly<Record<string, string>>, signal: AbortSignal): Promise<Response> {
    const controller = new AbortController();
    const onAbort = () => controller.abort(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => controller.abort(new ConnectionError(this.baseUrl, `no answer within ${this.timeoutMs / 1000} s`)), this.timeoutMs);
    try {
      const res = await this.send('GET', path, { headers }, { accept: 'text/event-stream' }, controller.signal);
      if (!res.ok) throw new ApiProblemError(problemFromBody(res.status, res.statusText, await res.text()));
      // the caller's signal keeps governing the body from here on
      return res;
    } catch (error) {
      signal.removeEventListener('abort', onAbort);
      throw controller.signal.aborted ? controller.signal.reason : error;
    } finally {
      clearTimeout(timer);
    }
  }

  /** One request, with a second try after refreshing the access token when it was refused. */
  private async send(method: HttpMethod, path: string, options: RequestOptions, extra: { accept: string }, signal: AbortSignal): Promise<Response> {
    const auth = options.authenticated === false ? undefined : this.options.authenticator;
    let res = await this.fetchOnce(method, path, options, extra, (await auth?.headers()) ?? {}, signal);
    if (res.status === 401 && auth?.canRefresh) {
      await res.body?.cancel();
      res = await this.fetchOnce(method, path, options, extra, await auth.headers({ forceRefresh: true }), signal);
    }
    return res;
  }

  private async fetchOnce(
    method: HttpMethod,
    path: string,
    options: RequestOptions,
    extra: { accept: string },
    authHeaders: Readonly<Record<string, string>>,
    signal: AbortSignal,
  ): Promise<Response> {
    const headers: Record<string, string> = { accept: extra.accept, 'user-agent': this.options.userAgent, ...options.headers, ...authHeaders };
    let body: string | undefined;
    if (options.json !== undefined) {
      body = JSON.stringify(options.json);
      headers['content-type'] = 'application/json';
    } else if (options.text) {
      body = options.text.body;
      headers['content-type'] = options.text.contentType;
    }
    try {
      return await fetch(this.url(path, options.query), { method, headers, body, signal, redirect: 'error' });
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      throw new ConnectionError(this.baseUrl, describeFetchFailure(error));
    }
  }

  /** How long to wait before trying again, or undefined when this answer is final. */
  private retryWait(res: Response, attempt: number): number | undefined {
    if (attempt >= this.maxAttempts || !RETRYABLE_STATUSES.has(res.status)) return undefined;
    const header = res.headers.get('retry-after');
    const seconds = header !== null && /^\d+$/.test(header.trim()) ? Number(header.trim()) : attempt;
    return Math.min(seconds * 1000, this.maxRetryWaitMs);
  }
}

function parseJsonBody<T>(status: number, text: string): T {
  if (!text) return undefined as T;
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new CliError(`the server answered ${status} with a body that is not JSON`);
  }
}

function describeFetchFailure(error: unknown): string {
  // fetch fails with TypeError('fetch failed') whose cause is the socket error (not always an
  // Error of this realm, so read it by shape)
  const cause = (error as { cause?: unknown } | undefined)?.cause ?? error;
  const { code, message } = (cause ?? {}) as { code?: unknown; message?: unknown };
  const text = typeof message === 'string' ? message : String(cause);
  return typeof code === 'string' && !text.includes(code) ? `${code} ${text}`.trim() : text;
}
