import { Controller } from '@nestjs/common';
import type { Metadata } from '@grpc/grpc-js';
import { CacheStore, type CachedValue } from '@sluice/cache-store';
import { cacheV1 } from '@sluice/contracts';
import { readCallContext } from '@sluice/grpc';
import { CacheInvalidations } from './cache-invalidations';
import { CacheLookupMetrics } from './cache-lookup.metrics';

const toEntry = (e: cacheV1.CacheEntry) => ({ key: e.key, value: e.value, ttlMs: Number(e.ttlMs), tags: e.tags });

const found = (v: CachedValue | undefined) =>
  v ? { found: true, value: v.value, ttlRemainingMs: String(v.ttlRemainingMs) } : { found: false, value: Buffer.alloc(0), ttlRemainingMs: '0' };

/**
 * sluice.cache.v1.CacheService: the caller's tenant from metadata, the work in CacheStore, and an
 * invalidation event after every change (awaited, so a successful reply means near-caches are told).
 */
@Controller()
@cacheV1.CacheServiceControllerMethods()
export class CacheGrpcController implements cacheV1.CacheServiceController {
  constructor(
    private readonly store: CacheStore,
    private readonly invalidations: CacheInvalidations,
    private readonly lookups: CacheLookupMetrics,
  ) {}

  async get(request: cacheV1.GetRequest, metadata: Metadata): Promise<cacheV1.GetResponse> {
    const value = await this.store.get(readCallContext(metadata).tenantId, request.key);
    this.lookups.record([value]);
    return found(value);
  }

  async mGet(request: cacheV1.MGetRequest, metadata: Metadata): Promise<cacheV1.MGetResponse> {
    const values = await this.store.mget(readCallContext(metadata).tenantId, request.keys);
    this.lookups.record(values);
    return { items: values.map((v, i) => ({ key: request.keys[i], ...found(v) })) };
  }

  async set(request: cacheV1.SetRequest, metadata: Metadata): Promise<cacheV1.SetResponse> {
    const { tenantId } = readCallContext(metadata);
    await this.store.set(tenantId, toEntry(request));
    await this.invalidations.keys(tenantId, [request.key]);
    return {};
  }

  async mSet(request: cacheV1.MSetRequest, metadata: Metadata): Promise<cacheV1.MSetResponse> {
    const { tenantId } = readCallContext(metadata);
    await this.store.mset(tenantId, request.entries.map(toEntry));
    await this.invalidations.keys(tenantId, request.entries.map((e) => e.key));
    return {};
  }

  async warm(request: cacheV1.WarmRequest, metadata: Metadata): Promise<cacheV1.WarmResponse> {
    const { tenantId } = readCallContext(metadata);
    const result = await this.store.warm(tenantId, request.entries.map(toEntry));
    await this.invalidations.keys(tenantId, result.stored);
    return { stored: String(result.stored.length), skipped: String(result.skipped) };
  }

  async delete(request: cacheV1.DeleteRequest, metadata: Metadata): Promise<cacheV1.DeleteResponse> {
    const { tenantId } = readCallContext(metadata);
    const deleted = await this.store.delete(tenantId, [request.key]);
    await this.invalidations.keys(tenantId, [request.key]);
    return { deleted: deleted > 0 };
  }

  async invalidateTag(request: cacheV1.InvalidateTagRequest, metadata: Metadata): Promise<cacheV1.InvalidateTagResponse> {
    const { tenantId } = readCallContext(metadata);
    const removed = await this.store.invalidateTag(tenantId, request.tag, (keys) => this.invalidations.keys(tenantId, keys, [request.tag]));
    return { invalidated: String(removed) };
  }

  async invalidatePrefix(request: cacheV1.InvalidatePrefixRequest, metadata: Metadata): Promise<cacheV1.InvalidatePrefixResponse> {
    const { tenantId } = readCallContext(metadata);
    const removed = await this.store.invalidatePrefix(tenantId, request.prefix);
    await this.invalidations.prefix(tenantId, request.prefix);
    return { invalidated: String(removed) };
  }

  async stats(_request: cacheV1.StatsRequest, metadata: Metadata): Promise<cacheV1.StatsResponse> {
    const s = await this.store.stats(readCallContext(metadata).tenantId);
    return {
      hits: String(s.hits),
      misses: String(s.misses),
      sets: String(s.sets),
      deletes: String(s.deletes),
      invalidations: String(s.invalidations),
      expirations: String(s.expirations),
      evictions: String(s.evictions),
      warmSkipped: String(s.warmSkipped),
      keys: String(s.keys),
      bytesStored: String(s.bytesStored),
    };
  }
}
