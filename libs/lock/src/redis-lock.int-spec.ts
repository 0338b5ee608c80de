import { uniquePrefix } from '@sluice/testing';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { InvalidLockArgumentError, LockAcquireTimeoutError, LockLostError, RedisLock, type LockLogger } from './index';
import { deleteKeysWithPrefix, testRedisUrl } from './testing';

const quiet: LockLogger = { warn: () => undefined, error: () => undefined };
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('RedisLock (real Redis)', () => {
  jest.setTimeout(30_000);
  let redis: Redis;
  let prefix: string;
  let lock: RedisLock;
  let registry: Registry;

  beforeAll(() => {
    redis = new Redis(testRedisUrl());
  });
  beforeEach(() => {
    prefix = uniquePrefix('lock');
    registry = new Registry();
    lock = new RedisLock({ redis, prefix, owner: 'test-owner', logger: quiet, registry });
  });
  afterEach(async () => {
    await deleteKeysWithPrefix(redis, prefix);
  });
  afterAll(async () => {
    await redis.quit();
  });

  it('gives each acquisition of a name a higher fencing token, also after a force release', async () => {
    const fences: number[] = [];
    for (let i = 0; i < 3; i++) {
      const held = await lock.acquire('job');
      fences.push(held.fence);
      await held.release();
    }
    const held = await lock.acquire('job', { autoExtend: false });
    fences.push(held.fence);
    expect(await lock.forceRelease('job')).toBe(true);
    const next = await lock.acquire('job');
    fences.push(next.fence);
    await next.release();
    expect(await held.release()).toBe(false);
    expect(fences).toEqual([1, 2, 3, 4, 5]);
  });

  it('stores the owner token under <prefix>:lock:<name> with the TTL, and removes it on release', async () => {
    const held = await lock.acquire('pipeline:t1:daily', { ttlMs: 5_000 });
    expect(await redis.get(`${prefix}:lock:pipeline:t1:daily`)).toBe(held.token);
    const ttl = await redis.pttl(`${prefix}:lock:pipeline:t1:daily`);
    expect(ttl).toBeGreaterThan(3_000);
    expect(ttl).toBeLessThanOrEqual(5_000);
    expect(await held.release()).toBe(true);
    expect(await redis.exists(`${prefix}:lock:pipeline:t1:daily`)).toBe(0);
  });

  it('refuses a second holder: tryAcquire answers undefined and acquire times out with LockAcquireTimeoutError', async () => {
    const held = await lock.acquire('job');
    expect(await lock.tryAcquire('job')).toBeUndefined();
    const started = Date.now();
    const error = await lock.acquire('job', { acquireTimeoutMs: 700 }).catch((e: unknown) => e);
    const waited = Date.now() - started;
    expect(error).toBeInstanceOf(LockAcquireTimeoutError);
    expect(error).toMatchObject({ lockName: 'job', code: 'FAILED_PRECONDITION' });
    expect((error as LockAcquireTimeoutError).attempts).toBeGreaterThan(2);
    expect(waited).toBeGreaterThanOrEqual(690);
    expect(waited).toBeLessThan(700 + 2_000);
    expect(await redis.get(`${prefix}:lock:job`)).toBe(held.token);
    await held.release();
  });

  it('hands the lock to a waiter as soon as the holder releases it', async () => {
    const held = await lock.acquire('job');
    const waiting = lock.acquire('job', { acquireTimeoutMs: 10_000, retry: { initialMs: 5_000, maxMs: 5_000 } });
    await pause(100);
    const releasedAt = Date.now();
    await held.release();
    const next = await waiting;
    // The waiter's backoff is 2.5-5 s; it got the lock without sleeping it out.
    expect(Date.now() - releasedAt).toBeLessThan(2_000);
    expect(next.fence).toBe(held.fence + 1);
    await next.release();
  });

  it('never lets a late release or extension free or prolong the next owner lock', async () => {
    const first = await lock.acquire('job', { ttlMs: 200, autoExtend: false });
    await pause(300);
    expect(first.signal.aborted).toBe(true);
    expect(first.signal.reason).toMatchObject({ reason: 'lease-elapsed' });
    const second = await lock.acquire('job', { ttlMs: 10_000 });
    expect(await first.release()).toBe(false);
    expect(await redis.get(`${prefix}:lock:job`)).toBe(second.token);
    await second.extend();
    expect(await second.release()).toBe(true);
  });

  it('reports "taken" when extending a lock someone else took over, and "expired" when it is gone', async () => {
    const first = await lock.acquire('a', { ttlMs: 10_000, autoExtend: false });
    await lock.forceRelease('a');
    const other = await lock.acquire('a');
    const taken = await first.extend().catch((e: unknown) => e);
    expect(taken).toBeInstanceOf(LockLostError);
    expect(taken).toMatchObject({ reason: 'taken', fence: first.fence });
    expect(first.signal.reason).toBe(taken);
    await other.release();

    const second = await lock.acquire('b', { ttlMs: 10_000, autoExtend: false });
    await redis.del(`${prefix}:lock:b`);
    await expect(second.extend()).rejects.toMatchObject({ reason: 'expired' });
  });

  it('keeps a lock alive past its TTL by extending it while withLock runs', async () => {
    const result = await lock.withLock(
      'long',
      async ({ signal, fence, token }) => {
        await pause(1_000); // five TTLs
        expect(signal.aborted).toBe(false);
        expect(await redis.get(`${prefix}:lock:long`)).toBe(token);
        return fence * 10;
      },
      { ttlMs: 200 },
    );
    expect(result).toBe(10);
    expect(await redis.exists(`${prefix}:lock:long`)).toBe(0);
  });

  it('aborts the withLock signal with LockLostError when the lock is force-released, and still returns fn result', async () => {
    let reason: unknown;
    const result = await lock.withLock(
      'job',
      async ({ signal }) => {
        await lock.forceRelease('job');
        await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
        reason = signal.reason;
        return 'stopped';
      },
      { ttlMs: 300 },
    );
    expect(result).toBe('stopped');
    expect(reason).toBeInstanceOf(LockLostError);
    expect(reason).toMatchObject({ reason: 'expired' });
  });

  it('releases the lock when fn throws, and throws fn error unchanged', async () => {
    const boom = new Error('boom');
    await expect(
      lock.withLock('job', () => {
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(await redis.exists(`${prefix}:lock:job`)).toBe(0);
  });

  it('lists held locks with owner, fence, TTL and acquisition time, found by SCAN', async () => {
    const before = Date.now();
    const a = await lock.acquire('alpha', { ttlMs: 20_000 });
    const b = await lock.acquire('beta:1', { ttlMs: 10_000 });
    const released = await lock.acquire('gamma');
    await released.release();
    await redis.set(`${prefix}:lock:foreign`, 'not-ours', 'PX', 10_000);
    const listed = await lock.list();
    expect(listed.map((l) => l.name)).toEqual(['alpha', 'beta:1', 'foreign']);
    expect(listed[0]).toMatchObject({ name: 'alpha', owner: 'test-owner', fence: a.fence });
    expect(listed[0].ttlMs).toBeGreaterThan(15_000);
    expect(listed[0].acquiredAt?.getTime()).toBeGreaterThanOrEqual(before - 1_000);
    expect(listed[0].acquiredAt?.getTime()).toBeLessThanOrEqual(Date.now() + 1_000);
    expect(listed[1]).toMatchObject({ name: 'beta:1', owner: 'test-owner', fence: b.fence });
    expect(listed[2]).toEqual({ name: 'foreign', owner: undefined, fence: undefined, ttlMs: expect.any(Number), acquiredAt: undefined });
    expect(await lock.list({ limit: 1 })).toHaveLength(1);
    await a.release();
    await b.release();
  });

  it('force-releases whoever holds a lock and says whether there was one', async () => {
    const held = await lock.acquire('job');
    expect(await lock.forceRelease('job')).toBe(true);
    expect(await lock.forceRelease('job')).toBe(false);
    expect(await held.release()).toBe(false);
  });

  it('rejects invalid names and prefixes with a clear error', async () => {
    await expect(lock.acquire('has space')).rejects.toThrow(InvalidLockArgumentError);
    await expect(lock.withLock('*', () => 1)).rejects.toThrow(/invalid lock name/);
    await expect(lock.forceRelease('')).rejects.toThrow(InvalidLockArgumentError);
    expect(() => new RedisLock({ redis, prefix: 'bad prefix' })).toThrow(/invalid key prefix/);
    const prefixed = new Redis(testRedisUrl(), { keyPrefix: 'x:', lazyConnect: true });
    expect(() => new RedisLock({ redis: prefixed, prefix })).toThrow(/keyPrefix/);
    prefixed.disconnect();
  });

  it('stops waiting when the caller signal aborts', async () => {
    const held = await lock.acquire('job');
    const controller = new AbortController();
    const waiting = lock.acquire('job', { acquireTimeoutMs: 20_000, signal: controller.signal });
    setTimeout(() => controller.abort(new Error('shutting down')), 100);
    await expect(waiting).rejects.toThrow('shutting down');
    await held.release();
  });

  it('exports acquisition, contention, extension, loss and held metrics without a lock-name label', async () => {
    const held = await lock.acquire('job', { ttlMs: 300 });
    await lock.acquire('job', { acquireTimeoutMs: 50 }).catch(() => undefined);
    await held.extend();
    await lock.forceRelease('job');
    await expect(held.extend()).rejects.toThrow(LockLostError);
    await held.release();
    const waiter = lock.acquire('w', { acquireTimeoutMs: 5_000 });
    await (await waiter).release();
    const blocker = await lock.acquire('w2');
    const waited = lock.acquire('w2', { acquireTimeoutMs: 5_000 });
    await pause(50);
    await blocker.release();
    await (await waited).release();

    const sum = async (name: string, labels: Record<string, string> = {}) => {
      const metric = (await registry.getMetricsAsJSON()).find((m) => name.startsWith(m.name));
      const values = (metric?.values ?? []) as { value: number; labels: Record<string, unknown>; metricName?: string }[];
      return values
        .filter((v) => (v.metricName ?? metric?.name) === name && Object.entries(labels).every(([k, l]) => v.labels[k] === l))
        .reduce((t, v) => t + v.value, 0);
    };
    expect(await sum('sluice_lock_contention_total')).toBeGreaterThanOrEqual(2);
    expect(await sum('sluice_lock_acquired_after_wait_total')).toBe(1);
    expect(await sum('sluice_lock_acquire_duration_seconds_count', { outcome: 'acquired' })).toBe(4);
    expect(await sum('sluice_lock_acquire_duration_seconds_count', { outcome: 'timeout' })).toBe(1);
    expect(await sum('sluice_lock_extensions_total', { outcome: 'extended' })).toBe(1);
    expect(await sum('sluice_lock_extensions_total', { outcome: 'lost' })).toBe(1);
    expect(await sum('sluice_lock_lost_total', { reason: 'expired' })).toBe(1);
    expect(await sum('sluice_lock_held')).toBe(0);
    for (const metric of await registry.getMetricsAsJSON()) {
      for (const value of metric.values) expect(Object.keys(value.labels)).not.toContain('lock');
    }
  });
});
