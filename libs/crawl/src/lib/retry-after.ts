import { parseRetryAfter as parseRetryAfterMs } from '@sluice/resilience';

/** The longest wait a Retry-After header can ask of the crawler; a server asking for more is treated as asking for this. */
export const MAX_RETRY_AFTER_MS = 24 * 60 * 60 * 1000;

/**
 * A `Retry-After` header value (delay-seconds or an HTTP-date) as ms from `now`, at most
 * `MAX_RETRY_AFTER_MS`; a date in the past gives 0; an absent or unreadable value gives `undefined`.
 */
export function parseRetryAfter(header: string | undefined, now: Date = new Date()): number | undefined {
  const ms = parseRetryAfterMs(header, now.getTime());
  return ms === undefined ? undefined : Math.min(ms, MAX_RETRY_AFTER_MS);
}
