import { rateLimitHeaders, rateLimitPolicyHeader, retryAfterHeader } from './rate-limit-headers';
import { resolvePolicy } from './rate-limit-policy';
import type { RateLimitResult } from './rate-limiter';

const policy = resolvePolicy({ algorithm: 'sliding-window', limit: 100, periodMs: 60_000 });
const result = (over: Partial<RateLimitResult>): RateLimitResult => ({
  allowed: true,
  limit: 100,
  remaining: 57,
  retryAfterMs: 0,
  resetAfterMs: 22_100,
  policy: 'default',
  backend: 'redis',
  decidedAtMs: 0,
  ...over,
});

describe('rate-limit headers', () => {
  it('writes the structured-field forms of the IETF draft', () => {
    expect(rateLimitHeaders(policy, result({}))).toEqual({ 'RateLimit-Policy': '"default";q=100;w=60', RateLimit: '"default";r=57;t=23' });
  });

  it('adds Retry-After in whole seconds rounded up on a refusal', () => {
    expect(rateLimitHeaders(policy, result({ allowed: false, remaining: 0, retryAfterMs: 1_001 }))['Retry-After']).toBe('2');
    expect(retryAfterHeader({ retryAfterMs: 3 })).toBe('1');
  });

  it('rounds a sub-second window up to one second', () => {
    expect(rateLimitPolicyHeader(resolvePolicy({ algorithm: 'gcra', name: 'burst', limit: 5, periodMs: 250 }))).toBe('"burst";q=5;w=1');
  });
});
