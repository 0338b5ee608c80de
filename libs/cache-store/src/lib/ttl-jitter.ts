/**
 * The time to live actually given to Redis: `ttlMs` moved by up to ±`jitter` (a fraction), so
 * entries written together do not all expire in the same instant and stampede the loader.
 */
export function jitteredTtlMs(ttlMs: number, jitter: number, random: () => number = Math.random): number {
  const factor = 1 + jitter * (2 * random() - 1);
  return Math.max(1, Math.round(ttlMs * factor));
}
