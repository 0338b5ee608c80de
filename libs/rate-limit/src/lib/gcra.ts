import type { RateLimitDecision } from './rate-limit-decision';

export interface GcraParams {
  /** Time one unit takes to come back: periodMs / limit. */
  readonly intervalMs: number;
  readonly burst: number;
}

// Times near the epoch are doubles with ~0.25 µs spacing; half a microsecond of slack keeps a
// request that lands exactly on its allowed time from being refused by rounding.
const EPSILON_MS = 0.0005;

/**
 * One GCRA step (the same maths as lua/gcra.lua). `tat` is the key's theoretical arrival time on
 * the clock of `nowMs` (undefined for a fresh key); the key is full when `tat <= now` and holds
 * `burst` units. A request that would be refused but could be admitted within `reserveUpToMs` is
 * admitted for then instead (a reservation: `retryAfterMs` says how far ahead), so waiters queue
 * in Redis rather than asking again and again. Returns the decision and the key's next `tat`
 * (unchanged when refused).
 */
export function decideGcra(
  tat: number | undefined,
  nowMs: number,
  params: GcraParams,
  cost: number,
  reserveUpToMs = 0,
): { decision: RateLimitDecision; tat: number; admittedAtMs: number } {
  const { intervalMs, burst } = params;
  const capacity = burst * intervalMs;
  const backlog = tat === undefined ? 0 : Math.max(tat - nowMs, 0);
  const newBacklog = backlog + cost * intervalMs;
  const waitMs = newBacklog - capacity;
  if (waitMs > EPSILON_MS && waitMs <= reserveUpToMs) {
    return {
      decision: { allowed: true, remaining: 0, retryAfterMs: Math.ceil(waitMs), resetAfterMs: Math.ceil(newBacklog) },
      tat: nowMs + newBacklog,
      admittedAtMs: nowMs + waitMs,
    };
  }
  if (waitMs > EPSILON_MS) {
    return {
      decision: {
        allowed: false,
        remaining: Math.floor((capacity - backlog + EPSILON_MS) / intervalMs),
        retryAfterMs: Math.ceil(newBacklog - capacity),
        resetAfterMs: Math.ceil(backlog),
      },
      tat: tat ?? nowMs,
      admittedAtMs: nowMs,
    };
  }
  return {
    decision: {
      allowed: true,
      remaining: Math.floor((capacity - newBacklog + EPSILON_MS) / intervalMs),
      retryAfterMs: 0,
      resetAfterMs: Math.ceil(newBacklog),
    },
    tat: nowMs + newBacklog,
    admittedAtMs: nowMs,
  };
}
