import type { ResolvedPolicy } from './rate-limit-policy';
import type { RateLimitResult } from './rate-limiter';

// draft-ietf-httpapi-ratelimit-headers (-10/-11): both fields are Structured Field Lists whose
// items are the policy name as an sf-string with Integer parameters (q quota, w window seconds;
// r remaining, t seconds until the quota resets).

const seconds = (ms: number): number => Math.max(0, Math.ceil(ms / 1000));

/** `"default";q=100;w=60`. The window is rounded up to whole seconds. */
export function rateLimitPolicyHeader(policy: ResolvedPolicy): string {
  return `"${policy.name}";q=${policy.limit};w=${Math.max(1, seconds(policy.periodMs))}`;
}

/** `"default";r=57;t=23`: units left and seconds (rounded up) until the quota is full again. */
export function rateLimitHeader(result: RateLimitResult): string {
  return `"${result.policy}";r=${result.remaining};t=${seconds(result.resetAfterMs)}`;
}

/** `Retry-After` in whole seconds, rounded up so that waiting it is always enough. */
export function retryAfterHeader(result: Pick<RateLimitResult, 'retryAfterMs'>): string {
  return String(Math.max(1, seconds(result.retryAfterMs)));
}

/** Every header a response should carry for this decision (`Retry-After` only on a refusal). */
export function rateLimitHeaders(policy: ResolvedPolicy, result: RateLimitResult): Record<string, string> {
  const headers: Record<string, string> = {
    'RateLimit-Policy': rateLimitPolicyHeader(policy),
    RateLimit: rateLimitHeader(result),
  };
  if (!result.allowed) headers['Retry-After'] = retryAfterHeader(result);
  return headers;
}
