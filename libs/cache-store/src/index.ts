export { CacheStore } from './lib/cache-store';
export type { CacheStoreOptions, CachedValue, CacheStats, WarmResult, RemovedKeysCallback } from './lib/cache-store';
export { CacheKeyspace, escapeGlob } from './lib/cache-keyspace';
export {
  CacheKey,
  CacheTag,
  CacheKeyPrefix,
  CacheEntryInput,
  MAX_BATCH,
  MAX_KEY_LENGTH,
  MAX_TAGS_PER_ENTRY,
  MAX_TTL_MS,
} from './lib/cache-request.schema';
export { CacheInvalidatedEvent, MAX_KEYS_PER_EVENT } from './lib/cache-invalidated.event';
export { CODEC_RAW, CODEC_BROTLI, encodeValue, decodeValue } from './lib/value-codec';
export type { ValueCodecOptions } from './lib/value-codec';
export { jitteredTtlMs } from './lib/ttl-jitter';
export { ValueTooLargeError, CacheBackendUnavailableError, CacheCodecError } from './lib/cache-errors';
