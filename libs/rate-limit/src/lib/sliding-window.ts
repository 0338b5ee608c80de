import type { RateLimitDecision } from './rate-limit-decision';

export interface SlidingWindowParams {
  readonly limit: number;
  readonly periodMs: number;
}

/**
 * One sliding-window step (the same rule as lua/sliding-window.lua). `log` holds one admission
 * time per admitted unit, oldest first, and is updated in place: an entry admitted at `t` counts
 * while `now < t + periodMs`, so no window of `periodMs` ever holds more than `limit` entries.
 */
export function decideSlidingWindow(log: number[], nowMs: number, params: SlidingWindowParams, cost: number): RateLimitDecision {
  const { limit, periodMs } = params;
  const horizon = nowMs - periodMs;
  let expired = 0;
  while (expired < log.length && log[expired] <= horizon) expired++;
  if (expired > 0) log.splice(0, expired);
  const count = log.length;
  if (count + cost > limit) {
    // The (count + cost - limit)-th oldest entry has to leave the window first; count >= 1 here
    // because cost <= limit.
    const leaving = log[count + cost - limit - 1];
    return {
      allowed: false,
      remaining: Math.max(limit - count, 0),
      retryAfterMs: Math.ceil(leaving + periodMs - nowMs),
      resetAfterMs: Math.ceil(log[count - 1] + periodMs - nowMs),
    };
  }
  for (let i = 0; i < cost; i++) log.push(nowMs);
  return { allowed: true, remaining: limit - count - cost, retryAfterMs: 0, resetAfterMs: periodMs };
}
