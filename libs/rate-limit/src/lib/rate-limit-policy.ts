import { zodViolations } from '@sluice/contracts';
import { z } from 'zod';
import { InvalidRateLimitError } from './rate-limit-errors';

/** A sorted-set log holds one member per admitted unit, so its size (and the script's work) grows with `limit`. */
export const MAX_SLIDING_WINDOW_LIMIT = 10_000;

const name = z
  .string()
  .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be 1–64 letters, digits, "_", "." or "-" (it appears in Redis keys and HTTP headers)')
  .optional();
const limit = z.number().int('must be an integer').min(1, 'must be at least 1').max(Number.MAX_SAFE_INTEGER);
const periodMs = z.number().int('must be a whole number of milliseconds').min(1, 'must be greater than 0');

const gcraSchema = z
  .strictObject({
    algorithm: z.literal('gcra'),
    name,
    limit,
    periodMs,
    burst: z.number().int('must be an integer').min(1, 'must be at least 1').max(Number.MAX_SAFE_INTEGER).optional(),
  })
  // Below one emission per microsecond the script's microsecond clock cannot tell requests apart.
  .refine((p) => (p.periodMs * 1000) / p.limit >= 1, { message: 'at most one request per microsecond', path: ['limit'] });

const slidingWindowSchema = z.strictObject({
  algorithm: z.literal('sliding-window'),
  name,
  limit: limit.max(MAX_SLIDING_WINDOW_LIMIT, `must be at most ${MAX_SLIDING_WINDOW_LIMIT} (use gcra for larger limits)`),
  periodMs,
});

const policySchema = z.discriminatedUnion('algorithm', [gcraSchema, slidingWindowSchema]);

/**
 * GCRA (a token bucket without a refill timer): `limit` requests per `periodMs` on average, of
 * which up to `burst` (default `limit`) may arrive at once.
 */
export interface GcraPolicy {
  readonly algorithm: 'gcra';
  /** Identifies the policy in Redis keys, metrics and the `RateLimit` headers; default `default`. */
  readonly name?: string;
  readonly limit: number;
  readonly periodMs: number;
  readonly burst?: number;
}

/** Exact sliding window: never more than `limit` admitted in any window of `periodMs`. */
export interface SlidingWindowPolicy {
  readonly algorithm: 'sliding-window';
  readonly name?: string;
  readonly limit: number;
  readonly periodMs: number;
}

export type RateLimitPolicy = GcraPolicy | SlidingWindowPolicy;

/** A validated policy with its defaults filled in; what the stores work with. */
export type ResolvedPolicy =
  | { readonly algorithm: 'gcra'; readonly name: string; readonly limit: number; readonly periodMs: number; readonly burst: number }
  | { readonly algorithm: 'sliding-window'; readonly name: string; readonly limit: number; readonly periodMs: number };

/** Validates a policy or throws `InvalidRateLimitError` naming every offending field. */
export function resolvePolicy(policy: RateLimitPolicy): ResolvedPolicy {
  const parsed = policySchema.safeParse(policy);
  if (!parsed.success) throw new InvalidRateLimitError('invalid rate-limit policy', zodViolations(parsed.error, 'policy'));
  const p = parsed.data;
  const policyName = p.name ?? 'default';
  return p.algorithm === 'gcra'
    ? { algorithm: 'gcra', name: policyName, limit: p.limit, periodMs: p.periodMs, burst: p.burst ?? p.limit }
    : { algorithm: 'sliding-window', name: policyName, limit: p.limit, periodMs: p.periodMs };
}

/** The most one request may cost: more than the bucket or window holds could never be admitted. */
export const maxCost = (policy: ResolvedPolicy): number =>
  policy.algorithm === 'gcra' ? Math.min(policy.limit, policy.burst) : policy.limit;

export function assertCost(policy: ResolvedPolicy, cost: number): void {
  const max = maxCost(policy);
  if (!Number.isInteger(cost) || cost < 1 || cost > max) {
    const message = `must be an integer from 1 to ${max} (the policy's ${policy.algorithm === 'gcra' ? 'limit and burst' : 'limit'})`;
    throw new InvalidRateLimitError(`invalid cost ${cost}: ${message}`, [{ path: 'cost', message }]);
  }
}
