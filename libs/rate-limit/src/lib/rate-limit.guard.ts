import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { rateLimitHeaders } from './rate-limit-headers';
import { RateLimitedError } from './rate-limit-errors';
import type { RateLimiter } from './rate-limiter';

/** What the guard reads from a request; Fastify's and Express's requests both satisfy it. */
export interface RateLimitRequest {
  readonly ip?: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

export interface RateLimitGuardOptions<TRequest = RateLimitRequest> {
  /** The limiter that holds the policy (or the per-key resolver) for the guarded routes. */
  readonly limiter: RateLimiter;
  /** The caller the quota belongs to, e.g. the tenant id or the client IP. */
  readonly key: (request: TRequest) => string;
  /** Units one request costs; default 1. */
  readonly cost?: number | ((request: TRequest) => number);
}

export const RATE_LIMIT_GUARD_OPTIONS = Symbol('RATE_LIMIT_GUARD_OPTIONS');

/** Fastify's reply has `header`, Node's and Express's response `setHeader`. */
interface HeaderSink {
  header?: (name: string, value: string) => unknown;
  setHeader?: (name: string, value: string) => unknown;
}

/**
 * Limits HTTP requests per caller key: sets `RateLimit-Policy` and `RateLimit` on every response
 * and, on a refusal, `Retry-After` and throws `RateLimitedError` (RESOURCE_EXHAUSTED, mapped to 429).
 * Use `@UseGuards(new RateLimitGuard({ limiter, key }))`, or provide `RATE_LIMIT_GUARD_OPTIONS`.
 * Non-HTTP contexts (gRPC, NATS) pass through.
 */
@Injectable()
export class RateLimitGuard<TRequest = RateLimitRequest> implements CanActivate {
  constructor(@Inject(RATE_LIMIT_GUARD_OPTIONS) private readonly options: RateLimitGuardOptions<TRequest>) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const http = context.switchToHttp();
    const request = http.getRequest<TRequest>();
    const { limiter, key: keyOf, cost = 1 } = this.options;
    const key = keyOf(request);
    const result = await limiter.consume(key, typeof cost === 'function' ? cost(request) : cost);
    const reply = http.getResponse<HeaderSink>();
    for (const [name, value] of Object.entries(rateLimitHeaders(limiter.policyFor(key), result))) setHeader(reply, name, value);
    if (!result.allowed) throw new RateLimitedError(result.retryAfterMs, result.policy);
    return true;
  }
}

function setHeader(reply: HeaderSink, name: string, value: string): void {
  if (typeof reply.header === 'function') reply.header(name, value);
  else reply.setHeader?.(name, value);
}
