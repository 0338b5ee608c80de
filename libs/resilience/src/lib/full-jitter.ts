/**
 * "Full jitter" backoff: a delay drawn uniformly from [0, min(capMs, baseMs · 2^retry)], where
 * `retry` counts retries from 0. Spreading the whole range (not just a fraction of it) is what keeps
 * many clients that failed together from retrying together.
 */
export function fullJitterDelay(retry: number, baseMs: number, capMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, retry));
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.floor(r * ceiling);
}
