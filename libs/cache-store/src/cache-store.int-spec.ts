import { deleteKeysWithPrefix } from '@sluice/testing';
import { randomBytes, randomUUID } from 'node:crypto';
import { freePort, TestRedisServer, uniquePrefix } from '@sluice/testing';
import { Redis } from 'ioredis';
import { CacheBackendUnavailableError, CacheStore, CODEC_BROTLI, CODEC_RAW, ValueTooLargeError } from './index';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';


const bytes = (s: string) => Buffer.from(s);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('CacheStore on a real Redis', () => {
  const prefix = uniquePrefix('cstore');
  const redis = new Redis(REDIS_URL, { lazyConnect: false });
  const store = new CacheStore(redis, { prefix, compressAboveBytes: 256, maxValueBytes: 64 * 1024 });
  let tenant: string;

  beforeEach(() => {
    tenant = randomUUID();
  });

  afterAll(async () => {
    await deleteKeysWithPrefix(redis, prefix);
    await redis.quit();
  });

  it('stores a large compressible value compressed (brotli marker in Redis) and reads it back equal', async () => {
    const value = bytes(JSON.stringify(Array.from({ length: 500 }, (_, i) => ({ id: i, name: 'same text again' }))));
    await store.set(tenant, { key: 'big', value });
    const raw = await redis.getBuffer(`${prefix}:cache:${tenant}:big`);
    expect(raw?.[0]).toBe(CODEC_BROTLI);
    expect(raw!.length).toBeLessThan(value.length / 4);
    expect((await store.get(tenant, 'big'))?.value).toEqual(value);

    await store.set(tenant, { key: 'small', value: bytes('tiny') });
    expect((await redis.getBuffer(`${prefix}:cache:${tenant}:small`))?.[0]).toBe(CODEC_RAW);
  });

  it('refuses a value above the maximum with RESOURCE_EXHAUSTED and stores nothing', async () => {
    const err = await store.set(tenant, { key: 'huge', value: randomBytes(64 * 1024 + 1), tags: ['t'] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValueTooLargeError);
    expect(err).toMatchObject({ code: 'RESOURCE_EXHAUSTED' });
    expect(await redis.exists(`${prefix}:cache:${tenant}:huge`, `${prefix}:cache-tag:${tenant}:t`)).toBe(0);
    expect(await store.stats(tenant)).toMatchObject({ sets: 0, keys: 0, bytesStored: 0 });
  });

  it('refuses a whole MSet when one entry is too large, storing none of it', async () => {
    const entries = [{ key: 'ok', value: bytes('x') }, { key: 'too-big', value: randomBytes(64 * 1024 + 1) }];
    await expect(store.mset(tenant, entries)).rejects.toBeInstanceOf(ValueTooLargeError);
    expect(await store.get(tenant, 'ok')).toBeUndefined();
  });

  it('gives each entry its ttl moved by at most ±10 %', async () => {
    await store.mset(tenant, Array.from({ length: 40 }, (_, i) => ({ key: `k${i}`, value: bytes('v'), ttlMs: 100_000 })));
    const ttls = await Promise.all(Array.from({ length: 40 }, (_, i) => redis.pttl(`${prefix}:cache:${tenant}:k${i}`)));
    for (const ttl of ttls) {
      expect(ttl).toBeGreaterThan(89_000);
      expect(ttl).toBeLessThanOrEqual(110_000);
    }
    expect(new Set(ttls.map((t) => Math.round(t / 100))).size).toBeGreaterThan(10);
  });

  it('keeps tenants apart: tenant B cannot read or invalidate tenant A’s key', async () => {
    const other = randomUUID();
    await store.set(tenant, { key: 'secret', value: bytes('a'), tags: ['shared'] });
    expect(await store.get(other, 'secret')).toBeUndefined();
    expect(await store.invalidateTag(other, 'shared')).toBe(0);
    expect(await store.invalidatePrefix(other, 'sec')).toBe(0);
    expect((await store.get(tenant, 'secret'))?.value).toEqual(bytes('a'));
  });

  it('invalidates by tag every key set with it, across several batches, and no other key', async () => {
    const small = new CacheStore(redis, { prefix, batchSize: 50 });
    const tagged = Array.from({ length: 180 }, (_, i) => `item:${i}`);
    await small.mset(tenant, tagged.map((key) => ({ key, value: bytes(key), tags: ['items', `one:${key}`] })));
    await small.set(tenant, { key: 'untagged', value: bytes('u'), tags: ['other'] });
    const seen: string[] = [];
    const removed = await small.invalidateTag(tenant, 'items', async (keys) => {
      seen.push(...keys);
    });
    expect(removed).toBe(180);
    expect(seen.sort()).toEqual([...tagged].sort());
    expect(await small.mget(tenant, tagged.slice(0, 10))).toEqual(Array(10).fill(undefined));
    expect(await small.get(tenant, 'untagged')).toBeDefined();
    expect(await redis.exists(`${prefix}:cache-tag:${tenant}:items`)).toBe(0);
    expect(await small.stats(tenant)).toMatchObject({ invalidations: 180, keys: 1 });
  });

  it('finds every tagged key even while sets and the invalidation run concurrently', async () => {
    const writes = Array.from({ length: 300 }, (_, i) => store.set(tenant, { key: `c${i}`, value: bytes('v'), tags: ['hot'] }));
    await Promise.all(writes);
    await Promise.all([store.invalidateTag(tenant, 'hot'), store.invalidateTag(tenant, 'hot')]);
    const left = await store.mget(tenant, Array.from({ length: 300 }, (_, i) => `c${i}`));
    expect(left.filter(Boolean)).toHaveLength(0);
    expect((await store.stats(tenant)).invalidations).toBe(300);
  });

  it('invalidates by prefix exactly the tenant’s matching keys, glob characters taken literally', async () => {
    const other = randomUUID();
    const keys = ['user:1', 'user:2', 'user:*', 'userx', 'users:1', 'u[ser]:1', 'order:1'];
    await store.mset(tenant, keys.map((key) => ({ key, value: bytes(key) })));
    await store.mset(other, keys.map((key) => ({ key, value: bytes(key) })));

    expect(await store.invalidatePrefix(tenant, 'user:')).toBe(3);
    expect(await store.invalidatePrefix(tenant, 'u[s')).toBe(1);
    const left = await store.mget(tenant, keys);
    expect(keys.filter((_, i) => left[i])).toEqual(['userx', 'users:1', 'order:1']);
    expect((await store.mget(other, keys)).every(Boolean)).toBe(true);
  });

  it('counts hits, misses, sets, deletes and bytes stored per tenant', async () => {
    await store.set(tenant, { key: 'a', value: bytes('12345') });
    await store.set(tenant, { key: 'a', value: bytes('123') });
    await store.set(tenant, { key: 'b', value: bytes('1') });
    await store.get(tenant, 'a');
    await store.get(tenant, 'a');
    await store.get(tenant, 'missing');
    await store.mget(tenant, ['b', 'nope']);
    expect(await store.delete(tenant, ['b', 'never'])).toBe(1);
    expect(await store.stats(tenant)).toEqual({
      hits: 3,
      misses: 2,
      sets: 3,
      deletes: 1,
      invalidations: 0,
      expirations: 0,
      evictions: 0,
      warmSkipped: 0,
      keys: 1,
      bytesStored: 4, // "123" plus its codec marker
    });
  });

  it('counts expirations and evictions it can observe, and gives their bytes back', async () => {
    const exact = new CacheStore(redis, { prefix, ttlJitter: 0 });
    await exact.set(tenant, { key: 'short', value: bytes('x'), ttlMs: 30 });
    await exact.set(tenant, { key: 'evicted', value: bytes('y'), ttlMs: 60_000 });
    await redis.del(`${prefix}:cache:${tenant}:evicted`); // as Redis does under maxmemory
    await sleep(80);
    expect(await exact.get(tenant, 'evicted')).toBeUndefined();
    expect(await exact.stats(tenant)).toMatchObject({ expirations: 1, evictions: 1, keys: 0, bytesStored: 0 });
  });

  it('warms only keys that are absent', async () => {
    await store.set(tenant, { key: 'present', value: bytes('old') });
    const result = await store.warm(tenant, [
      { key: 'present', value: bytes('new') },
      { key: 'absent', value: bytes('new') },
    ]);
    expect(result).toEqual({ stored: ['absent'], skipped: 1 });
    expect((await store.get(tenant, 'present'))?.value).toEqual(bytes('old'));
    expect((await store.get(tenant, 'absent'))?.value).toEqual(bytes('new'));
    expect((await store.stats(tenant)).warmSkipped).toBe(1);
  });

  it('reports the remaining ttl with a value', async () => {
    await store.set(tenant, { key: 't', value: bytes('v'), ttlMs: 10_000 });
    const got = await store.get(tenant, 't');
    expect(got!.ttlRemainingMs).toBeGreaterThan(8_000);
    expect(got!.ttlRemainingMs).toBeLessThanOrEqual(11_000);
  });

  it('names bad fields with INVALID_ARGUMENT', async () => {
    await expect(store.get(tenant, 'has space')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', violations: [{ path: 'key' }] });
    await expect(store.invalidateTag(tenant, 'a*')).rejects.toMatchObject({ violations: [{ path: 'tag' }] });
    await expect(store.invalidatePrefix(tenant, '')).rejects.toMatchObject({ violations: [{ path: 'prefix' }] });
  });
});

describe('CacheStore when Redis is down', () => {
  let own: TestRedisServer;
  let redis: Redis;

  beforeAll(async () => {
    own = new TestRedisServer(await freePort());
    await own.start();
    redis = new Redis(own.url, { maxRetriesPerRequest: 1, retryStrategy: () => 100 });
  });

  afterAll(async () => {
    redis.disconnect();
    await own.stop();
  });

  it('fails with UNAVAILABLE while Redis is killed, and works again (scripts reloaded) once it is back', async () => {
    const store = new CacheStore(redis, { prefix: 'sluice' });
    const tenant = randomUUID();
    await store.set(tenant, { key: 'k', value: bytes('v') });
    await own.stop();
    const err = await store.get(tenant, 'k').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CacheBackendUnavailableError);
    expect(err).toMatchObject({ code: 'UNAVAILABLE' });

    await own.start();
    const deadline = Date.now() + 10_000;
    while (redis.status !== 'ready' && Date.now() < deadline) await sleep(50);
    await store.set(tenant, { key: 'k', value: bytes('again') });
    expect((await store.get(tenant, 'k'))?.value).toEqual(bytes('again'));
  });
});
