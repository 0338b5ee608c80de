export { createCacheClient, CacheClient } from './lib/cache-client';
export type {
  CacheClientOptions,
  SetOptions,
  GetOrLoadOptions,
  CacheEntry,
  CacheServiceStats,
  CacheClientMetrics,
} from './lib/cache-client';
export type { NearCacheOptions, NearCacheStats } from './lib/near-cache';
export { CacheUnavailableError, CacheSerializationError, CacheClientConfigError } from './lib/cache-client-errors';
export { encodeEntry, decodeEntry, NEGATIVE_ENTRY } from './lib/value-serializer';
export type { DecodedEntry } from './lib/value-serializer';
export { readEvent } from './lib/invalidation-subscription';
export type { EventReading } from './lib/invalidation-subscription';
export type { InvalidationScope } from './lib/invalidation-log';
export { CacheInvalidatedEvent } from '@sluice/cache-store';
