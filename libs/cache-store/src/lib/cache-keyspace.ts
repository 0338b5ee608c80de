/**
 * Where one tenant's cache lives in Redis:
 * - values      `<prefix>:cache:<tenant>:<key>`
 * - tag sets    `<prefix>:cache-tag:<tenant>:<tag>` (the keys set with the tag)
 * - counters    `<prefix>:cache-stats:<tenant>` (hash)
 * - expiry index `<prefix>:cache-index:<tenant>` (sorted set key → expiry time) and
 *   `<prefix>:cache-sizes:<tenant>` (hash key → stored bytes), which let the store count expirations,
 *   evictions and bytes stored.
 * Only values live under `…:cache:<tenant>:`, so a prefix scan there never meets the bookkeeping keys.
 */
export class CacheKeyspace {
  readonly valuePrefix: string;
  readonly stats: string;
  readonly index: string;
  readonly sizes: string;
  private readonly tagPrefix: string;

  constructor(prefix: string, tenantId: string) {
    this.valuePrefix = `${prefix}:cache:${tenantId}:`;
    this.tagPrefix = `${prefix}:cache-tag:${tenantId}:`;
    this.stats = `${prefix}:cache-stats:${tenantId}`;
    this.index = `${prefix}:cache-index:${tenantId}`;
    this.sizes = `${prefix}:cache-sizes:${tenantId}`;
  }

  value(key: string): string {
    return this.valuePrefix + key;
  }

  tag(tag: string): string {
    return this.tagPrefix + tag;
  }

  /** The cache key of a value's Redis key found by a scan. */
  keyOf(redisKey: string): string {
    return redisKey.slice(this.valuePrefix.length);
  }

  /** SCAN MATCH pattern for the tenant's keys starting with `keyPrefix` (taken literally). */
  scanPattern(keyPrefix: string): string {
    return `${escapeGlob(this.valuePrefix)}${escapeGlob(keyPrefix)}*`;
  }
}

/** Makes a string match itself only in a Redis glob pattern (`*`, `?`, `[`, `]`, `\` escaped). */
export function escapeGlob(literal: string): string {
  return literal.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}
