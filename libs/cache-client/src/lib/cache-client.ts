import type { CacheStats } from '@sluice/cache-store';
import { SUBJECTS } from '@sluice/contracts';
import { productionTopology, type NatsConnection, type Topology } from '@sluice/messaging';
import { CacheClientConfigError } from './cache-client-errors';
import { CacheGrpcTransport } from './cache-grpc-transport';
import { InvalidationLog, type InvalidationScope } from './invalidation-log';
import { InvalidationSubscription } from './invalidation-subscription';
import { NearCache, type NearCacheOptions, type NearCacheStats } from './near-cache';
import { SingleFlight } from './single-flight';
import { decodeEntry, encodeEntry, NEGATIVE_ENTRY, type DecodedEntry } from './value-serializer';

export interface CacheClientOptions {
  /** host:port of the cache service's gRPC server. */
  readonly address: string;
  readonly internalToken: string;
  /** Every call acts in this tenant's keyspace. */
  readonly tenantId: string;
  /** Needed with a near-cache: invalidation events arrive over it. Not closed by the client. */
  readonly nats?: NatsConnection;
  /** Where the invalidation subject lives (its namespace). Default: no namespace. */
  readonly topology?: Topology;
  /** Keep recently read entries in this process, kept coherent by invalidation events. */
  readonly nearCache?: NearCacheOptions;
  /** Deadline of each gRPC call. Default 2 s. */
  readonly callTimeoutMs?: number;
  /** How long getOrLoad caches "the loader found nothing" when not told. Default 30 s. */
  readonly negativeTtlMs?: number;
}

export interface SetOptions {
  /** 0 or absent: the service default. */
  readonly ttlMs?: number;
  readonly tags?: readonly string[];
}

export interface GetOrLoadOptions extends SetOptions {
  /** How long an absence (loader returned undefined) is cached; never longer than ttlMs. */
  readonly negativeTtlMs?: number;
}

export interface CacheEntry<T> extends SetOptions {
  readonly key: string;
  readonly value: T;
}

/** The tenant's cache counters, as the service keeps them (the store's own figures). */
export type CacheServiceStats = CacheStats;

export interface CacheClientMetrics {
  /** undefined without a near-cache */
  readonly near?: NearCacheStats;
  /** Loader calls made by getOrLoad. */
  readonly loads: number;
  readonly invalidationEvents: number;
  readonly unreadableEvents: number;
}

const DEFAULT_NEGATIVE_TTL_MS = 30_000;

/** Creates a client; with a near-cache it first subscribes to invalidations, so none is missed. */
export async function createCacheClient(options: CacheClientOptions): Promise<CacheClient> {
  if (options.nearCache && !options.nats) {
    throw new CacheClientConfigError('a near-cache needs `nats` to receive invalidation events; without them it would serve stale values');
  }
  const client = new CacheClient(options);
  await client.start();
  return client;
}

/**
 * A typed client for sluice.cache.v1.CacheService. Values are any structured-cloneable value
 * (see value-serializer); with `nearCache`, reads are served from process memory until an
 * invalidation event, the near ttl or the entry's own ttl ends them.
 */
export class CacheClient {
  private readonly transport: CacheGrpcTransport;
  private readonly near?: NearCache;
  private readonly log = new InvalidationLog();
  private readonly loads = new SingleFlight<Buffer>();
  private subscription?: InvalidationSubscription;
  private coherent = false;
  private loaderCalls = 0;
  private closed = false;

  /** Prefer createCacheClient, which also subscribes to invalidations. */
  constructor(private readonly options: CacheClientOptions) {
    this.transport = new CacheGrpcTransport({
      address: options.address,
      internalToken: options.internalToken,
      tenantId: options.tenantId,
      callTimeoutMs: options.callTimeoutMs ?? 2_000,
    });
    if (options.nearCache) this.near = new NearCache(options.nearCache);
  }

  /** @internal called once by createCacheClient */
  async start(): Promise<void> {
    if (!this.near || !this.options.nats) return;
    const subject = (this.options.topology ?? productionTopology()).subject(SUBJECTS.cacheInvalidated);
    this.subscription = await InvalidationSubscription.start(this.options.nats, subject, this.options.tenantId, {
      invalidate: (scope) => this.forget(scope),
      suspend: () => {
        this.coherent = false;
        this.forget({ kind: 'all' });
      },
      resume: () => {
        this.forget({ kind: 'all' });
        this.coherent = true;
      },
    });
    this.coherent = true;
  }

  /** The value, or undefined when absent (or cached as absent). */
  async get<T>(key: string): Promise<T | undefined> {
    const near = this.fromNear<T>(key);
    if (near) return valueOf(near);
    const bytes = await this.fetch(key);
    return bytes ? valueOf(decodeEntry<T>(key, bytes)) : undefined;
  }

  /** Values in the order of `keys`. */
  async mget<T>(keys: readonly string[]): Promise<(T | undefined)[]> {
    const results: (T | undefined)[] = new Array<T | undefined>(keys.length).fill(undefined);
    const missing: number[] = [];
    keys.forEach((key, i) => {
      const near = this.fromNear<T>(key);
      if (near) results[i] = valueOf(near);
      else missing.push(i);
    });
    if (missing.length === 0) return results;
    const since = this.log.current;
    const reply = await this.transport.call('mGet', { keys: missing.map((i) => keys[i]) });
    reply.items.forEach((item, j) => {
      if (!item.found) return;
      const key = keys[missing[j]];
      const bytes = Buffer.from(item.value);
      this.remember(key, bytes, Number(item.ttlRemainingMs), since);
      results[missing[j]] = valueOf(decodeEntry<T>(key, bytes));
    });
    return results;
  }

  async set<T>(key: string, value: T, options: SetOptions = {}): Promise<void> {
    await this.store(key, encodeEntry(key, value), options.ttlMs ?? 0, options.tags);
  }

  async mset<T>(entries: readonly CacheEntry<T>[]): Promise<void> {
    const request = { entries: entries.map((e) => this.toEntry(e)) };
    await this.changing(entries.map((e) => e.key), () => this.transport.call('mSet', request));
  }

  /** Stores each entry only where the key is absent. */
  async warm<T>(entries: readonly CacheEntry<T>[]): Promise<{ stored: number; skipped: number }> {
    const request = { entries: entries.map((e) => this.toEntry(e)) };
    const reply = await this.changing(entries.map((e) => e.key), () => this.transport.call('warm', request));
    return { stored: Number(reply.stored), skipped: Number(reply.skipped) };
  }

  /** true when the key existed. */
  async delete(key: string): Promise<boolean> {
    return (await this.changing([key], () => this.transport.call('delete', { key }))).deleted;
  }

  /** Removes every key set with the tag; returns how many existed. */
  async invalidateTag(tag: string): Promise<number> {
    const reply = await this.transport.call('invalidateTag', { tag });
    // The service published the removed keys before answering; flushing makes this process see them.
    await this.subscription?.flush();
    return Number(reply.invalidated);
  }

  /** Removes the tenant's keys starting with `prefix`; returns how many existed. */
  async invalidatePrefix(prefix: string): Promise<number> {
    this.forget({ kind: 'prefix', prefix });
    const reply = await this.transport.call('invalidatePrefix', { prefix });
    this.forget({ kind: 'prefix', prefix });
    return Number(reply.invalidated);
  }

  /**
   * The cached value, or `loader()`'s result stored for next time. Concurrent calls for one key in
   * this process share one lookup and one load. A loader returning undefined is cached as an
   * absence for `negativeTtlMs`. Loader errors reach every waiting caller and are not cached.
   */
  async getOrLoad<T>(key: string, loader: () => Promise<T | undefined> | T | undefined, options: GetOrLoadOptions = {}): Promise<T | undefined> {
    const near = this.fromNear<T>(key);
    if (near) return valueOf(near);
    const bytes = await this.loads.run(key, async () => {
      const cached = await this.fetch(key);
      if (cached) return cached;
      this.loaderCalls++;
      const loaded = await loader();
      const ttlMs = options.ttlMs ?? 0;
      if (loaded === undefined) {
        const negativeTtlMs = options.negativeTtlMs ?? this.options.negativeTtlMs ?? DEFAULT_NEGATIVE_TTL_MS;
        await this.store(key, NEGATIVE_ENTRY, ttlMs > 0 ? Math.min(negativeTtlMs, ttlMs) : negativeTtlMs, options.tags);
        return NEGATIVE_ENTRY;
      }
      const encoded = encodeEntry(key, loaded);
      await this.store(key, encoded, ttlMs, options.tags);
      return encoded;
    });
    // Each caller decodes its own copy, so callers never share (and mutate) one object.
    return valueOf(decodeEntry<T>(key, bytes));
  }

  /** The tenant's counters in the service. */
  async stats(): Promise<CacheServiceStats> {
    const r = await this.transport.call('stats', {});
    return {
      hits: Number(r.hits),
      misses: Number(r.misses),
      sets: Number(r.sets),
      deletes: Number(r.deletes),
      invalidations: Number(r.invalidations),
      expirations: Number(r.expirations),
      evictions: Number(r.evictions),
      warmSkipped: Number(r.warmSkipped),
      keys: Number(r.keys),
      bytesStored: Number(r.bytesStored),
    };
  }

  /** This process's side: near-cache, loads, events. */
  metrics(): CacheClientMetrics {
    const events = this.subscription?.counts() ?? { received: 0, unreadable: 0 };
    return { near: this.near?.stats(), loads: this.loaderCalls, invalidationEvents: events.received, unreadableEvents: events.unreadable };
  }

  /** Unsubscribes and closes the gRPC channel; the NATS connection stays open (it is the caller's). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.coherent = false;
    this.subscription?.stop();
    this.near?.clear();
    this.transport.close();
  }

  private fromNear<T>(key: string): DecodedEntry<T> | undefined {
    if (!this.near || !this.coherent) return undefined;
    const bytes = this.near.get(key);
    return bytes ? decodeEntry<T>(key, bytes) : undefined;
  }

  private async fetch(key: string): Promise<Buffer | undefined> {
    const since = this.log.current;
    const reply = await this.transport.call('get', { key });
    if (!reply.found) return undefined;
    const bytes = Buffer.from(reply.value);
    this.remember(key, bytes, Number(reply.ttlRemainingMs), since);
    return bytes;
  }

  /** Keeps a value read from the service, unless an invalidation of its key arrived during the read. */
  private remember(key: string, bytes: Buffer, ttlRemainingMs: number, since: number): void {
    if (!this.near || !this.coherent || this.log.touchedSince(since, key)) return;
    this.near.set(key, bytes, ttlRemainingMs);
  }

  private async store(key: string, bytes: Buffer, ttlMs: number, tags: readonly string[] = []): Promise<void> {
    await this.changing([key], () => this.transport.call('set', { key, value: bytes, ttlMs: String(ttlMs), tags: [...tags] }));
  }

  // Forgets the keys before and after the write, so neither an older near entry nor a read that
  // raced the write survives it in this process; other processes learn from the service's event.
  private async changing<R>(keys: readonly string[], write: () => Promise<R>): Promise<R> {
    const scope: InvalidationScope = { kind: 'keys', keys: new Set(keys) };
    this.forget(scope);
    try {
      return await write();
    } finally {
      this.forget(scope);
    }
  }

  private forget(scope: InvalidationScope): void {
    this.log.record(scope);
    if (!this.near) return;
    if (scope.kind === 'all') this.near.clear();
    else if (scope.kind === 'prefix') this.near.deletePrefix(scope.prefix);
    else for (const key of scope.keys) this.near.delete(key);
  }

  private toEntry<T>(entry: CacheEntry<T>) {
    return { key: entry.key, value: encodeEntry(entry.key, entry.value), ttlMs: String(entry.ttlMs ?? 0), tags: [...(entry.tags ?? [])] };
  }
}

function valueOf<T>(entry: DecodedEntry<T>): T | undefined {
  return entry.kind === 'value' ? entry.value : undefined;
}
