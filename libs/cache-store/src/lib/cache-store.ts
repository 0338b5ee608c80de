import type { Redis } from 'ioredis';
import { CacheBackendUnavailableError, ValueTooLargeError } from './cache-errors';
import { CacheKeyspace } from './cache-keyspace';
import {
  CacheEntryBatch,
  CacheEntryInput,
  CacheKey,
  CacheKeyBatch,
  CacheKeyPrefix,
  CacheTag,
  TenantId,
  validate,
} from './cache-request.schema';
import { CacheScripts } from './cache-scripts';
import { jitteredTtlMs } from './ttl-jitter';
import { decodeValue, encodeValue, type ValueCodecOptions } from './value-codec';

export interface CacheStoreOptions {
  /** First part of every key (`SLUICE_REDIS_PREFIX`). */
  readonly prefix: string;
  /** Values longer than this are brotli-compressed. Default 1 KiB. */
  readonly compressAboveBytes?: number;
  /** Larger values are refused with RESOURCE_EXHAUSTED. Default 1 MiB. */
  readonly maxValueBytes?: number;
  /** Time to live of an entry set with ttl 0. Default 1 h. */
  readonly defaultTtlMs?: number;
  /** Fraction by which each ttl is moved at random (±). Default 0.1. */
  readonly ttlJitter?: number;
  /** Keys per SCAN/UNLINK step of an invalidation. Default 500. */
  readonly batchSize?: number;
  readonly random?: () => number;
}

export interface CachedValue {
  readonly value: Buffer;
  /** Milliseconds until Redis expires the entry. */
  readonly ttlRemainingMs: number;
}

export interface CacheStats {
  readonly hits: number;
  readonly misses: number;
  readonly sets: number;
  readonly deletes: number;
  readonly invalidations: number;
  readonly expirations: number;
  readonly evictions: number;
  readonly warmSkipped: number;
  readonly keys: number;
  readonly bytesStored: number;
}

export interface WarmResult {
  /** Keys stored (they were absent). */
  readonly stored: readonly string[];
  readonly skipped: number;
}

/** Called with each batch of keys an invalidation removed, before the next batch is taken. */
export type RemovedKeysCallback = (keys: readonly string[]) => Promise<void>;

const STAT_FIELDS = ['hits', 'misses', 'sets', 'deletes', 'invalidations', 'expirations', 'evictions', 'warmSkipped'] as const;
// SCAN and tag loops stop after this many steps whatever happens (a bound, not an expected size).
const MAX_STEPS = 100_000;
const REAP_BATCH = 1_000;

interface PreparedEntry {
  readonly key: string;
  readonly stored: Buffer;
  readonly ttlMs: number;
  readonly tags: readonly string[];
}

/**
 * The tenant-namespaced cache keyspace in Redis (see CacheKeyspace): values with jittered ttl,
 * compressed above a threshold behind a codec marker, tags kept atomically with values, and
 * per-tenant counters. Needs a standalone Redis (scripts touch several keys of one tenant).
 */
export class CacheStore {
  private readonly scripts: CacheScripts;
  private readonly codec: ValueCodecOptions;
  private readonly defaultTtlMs: number;
  private readonly ttlJitter: number;
  private readonly batchSize: number;
  private readonly random: () => number;

  constructor(
    private readonly redis: Redis,
    private readonly options: CacheStoreOptions,
  ) {
    this.scripts = new CacheScripts(redis);
    this.codec = { compressAboveBytes: options.compressAboveBytes ?? 1024, maxValueBytes: options.maxValueBytes ?? 1024 * 1024 };
    this.defaultTtlMs = options.defaultTtlMs ?? 60 * 60 * 1000;
    this.ttlJitter = options.ttlJitter ?? 0.1;
    this.batchSize = options.batchSize ?? 500;
    this.random = options.random ?? Math.random;
  }

  get maxValueBytes(): number {
    return this.codec.maxValueBytes;
  }

  async get(tenantId: string, key: string): Promise<CachedValue | undefined> {
    const ks = this.keyspace(tenantId);
    validate(CacheKey, key, 'key');
    const reply = await this.backend(() => this.scripts.call(this.redis, 'sluiceCacheGetEntry', this.entryKeys(ks, key), [key], true) as Promise<unknown>);
    return this.toCached(reply);
  }

  /** Results in the order of `keys`. */
  async mget(tenantId: string, keys: readonly string[]): Promise<(CachedValue | undefined)[]> {
    const ks = this.keyspace(tenantId);
    validate(CacheKeyBatch, keys, 'keys');
    const pipeline = this.redis.pipeline();
    for (const key of keys) this.scripts.call(pipeline, 'sluiceCacheGetEntry', this.entryKeys(ks, key), [key], true);
    const replies = await this.exec(pipeline);
    return Promise.all(replies.map((reply) => this.toCached(reply)));
  }

  async set(tenantId: string, entry: CacheEntryInput): Promise<void> {
    const ks = this.keyspace(tenantId);
    const [prepared] = await this.prepare([validate(CacheEntryInput, entry)]);
    await this.backend(() => this.scripts.call(this.redis, 'sluiceCacheSetEntry', this.setKeys(ks, prepared), this.setArgs(prepared, false)) as Promise<unknown>);
  }

  /** Validates and encodes every entry before storing any; each entry is stored atomically. */
  async mset(tenantId: string, entries: readonly CacheEntryInput[]): Promise<void> {
    await this.setMany(tenantId, entries, false);
  }

  /** Stores each entry only where its key is absent. */
  async warm(tenantId: string, entries: readonly CacheEntryInput[]): Promise<WarmResult> {
    const results = await this.setMany(tenantId, entries, true);
    const stored = results.filter((r) => r.stored).map((r) => r.key);
    return { stored, skipped: results.length - stored.length };
  }

  /** Returns how many of the keys existed. */
  async delete(tenantId: string, keys: readonly string[]): Promise<number> {
    const ks = this.keyspace(tenantId);
    validate(CacheKeyBatch, keys, 'keys');
    return this.remove(ks, keys, 'deletes');
  }

  /**
   * Removes every key set with the tag, in batches taken from the tag set; keys tagged while this
   * runs are removed too, up to a bound of steps. Returns how many values existed.
   */
  async invalidateTag(tenantId: string, tag: string, onRemoved?: RemovedKeysCallback): Promise<number> {
    const ks = this.keyspace(tenantId);
    validate(CacheTag, tag, 'tag');
    const tagKey = ks.tag(tag);
    let removed = 0;
    for (let step = 0; step < MAX_STEPS; step++) {
      const members = await this.backend(() => this.redis.srandmember(tagKey, this.batchSize));
      if (members.length === 0) break;
      removed += await this.remove(ks, members, 'invalidations', tagKey);
      await onRemoved?.(members);
    }
    return removed;
  }

  /** Removes the tenant's keys starting with `prefix` with SCAN and UNLINK in batches (never KEYS). */
  async invalidatePrefix(tenantId: string, prefix: string, onRemoved?: RemovedKeysCallback): Promise<number> {
    const ks = this.keyspace(tenantId);
    validate(CacheKeyPrefix, prefix, 'prefix');
    const pattern = ks.scanPattern(prefix);
    let removed = 0;
    let cursor = '0';
    for (let step = 0; step < MAX_STEPS; step++) {
      const [next, found] = await this.backend(() => this.redis.scan(cursor, 'MATCH', pattern, 'COUNT', this.batchSize));
      if (found.length > 0) {
        const keys = found.map((k) => ks.keyOf(k));
        removed += await this.remove(ks, keys, 'invalidations');
        await onRemoved?.(keys);
      }
      cursor = next;
      if (cursor === '0') break;
    }
    return removed;
  }

  /** The tenant's counters, after forgetting the entries whose ttl has passed. */
  async stats(tenantId: string): Promise<CacheStats> {
    const ks = this.keyspace(tenantId);
    const bookkeeping = [ks.stats, ks.index, ks.sizes];
    for (let step = 0; step < MAX_STEPS; step++) {
      const reaped = Number(await this.backend(() => this.scripts.call(this.redis, 'sluiceCacheReapExpired', bookkeeping, [REAP_BATCH]) as Promise<unknown>));
      if (reaped < REAP_BATCH) break;
    }
    const [counters, keys] = await this.backend(() => Promise.all([this.redis.hgetall(ks.stats), this.redis.zcard(ks.index)]));
    const count = (field: string) => Number(counters[field] ?? 0);
    const stats = Object.fromEntries(STAT_FIELDS.map((f) => [f, count(f)])) as Record<(typeof STAT_FIELDS)[number], number>;
    return { ...stats, keys, bytesStored: count('bytes') };
  }

  private async setMany(tenantId: string, entries: readonly CacheEntryInput[], onlyIfAbsent: boolean) {
    const ks = this.keyspace(tenantId);
    const prepared = await this.prepare(validate(CacheEntryBatch, entries, 'entries'));
    const pipeline = this.redis.pipeline();
    for (const p of prepared) this.scripts.call(pipeline, 'sluiceCacheSetEntry', this.setKeys(ks, p), this.setArgs(p, onlyIfAbsent));
    const replies = await this.exec(pipeline);
    return prepared.map((p, i) => ({ key: p.key, stored: Number(replies[i]) === 1 }));
  }

  private async prepare(entries: readonly CacheEntryInput[]): Promise<PreparedEntry[]> {
    for (const e of entries) {
      if (e.value.length > this.codec.maxValueBytes) throw new ValueTooLargeError(e.key, e.value.length, this.codec.maxValueBytes);
    }
    return Promise.all(
      entries.map(async (e) => ({
        key: e.key,
        stored: await encodeValue(e.value, this.codec),
        ttlMs: jitteredTtlMs(e.ttlMs || this.defaultTtlMs, this.ttlJitter, this.random),
        tags: [...new Set(e.tags ?? [])],
      })),
    );
  }

  private async remove(ks: CacheKeyspace, keys: readonly string[], counter: 'deletes' | 'invalidations', tagKey?: string): Promise<number> {
    let removed = 0;
    for (let i = 0; i < keys.length; i += this.batchSize) {
      const batch = keys.slice(i, i + this.batchSize);
      const redisKeys = [ks.stats, ks.index, ks.sizes, ...batch.map((k) => ks.value(k)), ...(tagKey ? [tagKey] : [])];
      const reply = await this.backend(() => this.scripts.call(this.redis, 'sluiceCacheRemoveEntries', redisKeys, [counter, batch.length, ...batch]) as Promise<unknown>);
      removed += Number(reply);
    }
    return removed;
  }

  private keyspace(tenantId: string): CacheKeyspace {
    validate(TenantId, tenantId, 'tenantId');
    return new CacheKeyspace(this.options.prefix, tenantId);
  }

  private entryKeys(ks: CacheKeyspace, key: string): string[] {
    return [ks.stats, ks.index, ks.sizes, ks.value(key)];
  }

  private setKeys(ks: CacheKeyspace, entry: PreparedEntry): string[] {
    return [...this.entryKeys(ks, entry.key), ...entry.tags.map((t) => ks.tag(t))];
  }

  private setArgs(entry: PreparedEntry, onlyIfAbsent: boolean): (string | number | Buffer)[] {
    return [entry.key, entry.stored, entry.ttlMs, onlyIfAbsent ? '1' : '0'];
  }

  private async toCached(reply: unknown): Promise<CachedValue | undefined> {
    if (!Array.isArray(reply)) return undefined;
    const [stored, pttl] = reply as [Buffer, number];
    return { value: await decodeValue(stored, this.codec), ttlRemainingMs: Math.max(0, Number(pttl)) };
  }

  private async exec(pipeline: ReturnType<Redis['pipeline']>): Promise<unknown[]> {
    const results = (await this.backend(() => pipeline.exec())) ?? [];
    return results.map(([error, reply]) => {
      if (error) throw this.translate(error);
      return reply;
    });
  }

  private async backend<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      throw this.translate(error);
    }
  }

  // A reply error is a bug (a script or command refused); anything else means Redis is not reachable.
  private translate(error: unknown): unknown {
    if (error instanceof Error && error.name !== 'ReplyError') return new CacheBackendUnavailableError(error);
    return error;
  }
}
