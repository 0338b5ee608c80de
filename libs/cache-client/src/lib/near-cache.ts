import { LRUCache } from 'lru-cache';

export interface NearCacheOptions {
  /** Most entries kept. */
  readonly maxEntries: number;
  /** Most bytes kept (stored bytes plus key length); larger single entries are not kept. */
  readonly maxBytes: number;
  /** Longest an entry is served from memory; also bounded by the entry's remaining ttl in the service. */
  readonly ttlMs: number;
}

export interface NearCacheStats {
  readonly entries: number;
  readonly bytes: number;
  readonly hits: number;
  readonly misses: number;
}

/**
 * An in-process LRU of serialized entries, bounded by entries, bytes and age. It keeps bytes, not
 * objects, so every read returns a fresh copy that callers may change freely.
 */
export class NearCache {
  private readonly lru: LRUCache<string, Buffer>;
  private hits = 0;
  private misses = 0;

  constructor(private readonly options: NearCacheOptions) {
    this.lru = new LRUCache<string, Buffer>({
      max: options.maxEntries,
      maxSize: options.maxBytes,
      sizeCalculation: (value, key) => value.length + key.length,
      ttl: options.ttlMs,
    });
  }

  get(key: string): Buffer | undefined {
    const value = this.lru.get(key);
    if (value) this.hits++;
    else this.misses++;
    return value;
  }

  set(key: string, bytes: Buffer, remainingTtlMs: number): void {
    const ttl = Math.min(this.options.ttlMs, remainingTtlMs);
    if (ttl <= 0) return;
    // A private copy: the buffer may be a slice of a larger gRPC frame that would otherwise stay alive.
    this.lru.set(key, Buffer.from(bytes), { ttl });
  }

  delete(key: string): void {
    this.lru.delete(key);
  }

  /** Bounded by maxEntries. */
  deletePrefix(prefix: string): void {
    for (const key of [...this.lru.keys()]) if (key.startsWith(prefix)) this.lru.delete(key);
  }

  clear(): void {
    this.lru.clear();
  }

  stats(): NearCacheStats {
    return { entries: this.lru.size, bytes: this.lru.calculatedSize, hits: this.hits, misses: this.misses };
  }
}
