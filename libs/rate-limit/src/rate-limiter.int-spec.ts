import { uniquePrefix } from '@sluice/testing';
import { Redis } from 'ioredis';
import { RateLimiter, type RateLimitPolicy, type RateLimitResult } from './index';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

describe('RateLimiter on Redis', () => {
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const prefix = uniquePrefix('ratelimit');
  const limiters: RateLimiter[] = [];
  const limiter = (policy: RateLimitPolicy | ((key: string) => RateLimitPolicy)) => {
    const created = new RateLimiter({ redis, prefix, policy, commandTimeoutMs: 2_000 });
    limiters.push(created);
    return created;
  };
  const consumeMany = async (l: RateLimiter, key: string, n: number, cost = 1): Promise<RateLimitResult[]> => {
    const results: RateLimitResult[] = [];
    for (let i = 0; i < n; i++) results.push(await l.consume(key, cost));
    return results;
  };

  afterAll(async () => {
    limiters.forEach((l) => l.close());
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  describe.each<[string, RateLimitPolicy]>([
    ['gcra', { algorithm: 'gcra', name: 'retry-gcra', limit: 2, periodMs: 1_000 }],
    ['sliding window', { algorithm: 'sliding-window', name: 'retry-sw', limit: 3, periodMs: 1_000 }],
  ])('retryAfterMs with %s', (_name, policy) => {
    it('is exact: 50 ms before it the key still refuses, at it the next request is admitted', async () => {
      const l = limiter(policy);
      const key = `retry-${policy.algorithm}`;
      const burst = await consumeMany(l, key, policy.limit);
      expect(burst.every((r) => r.allowed && r.backend === 'redis')).toBe(true);
      const refused = await l.consume(key);
      const promisedAt = performance.now();
      expect(refused).toMatchObject({ allowed: false, remaining: 0 });
      expect(refused.retryAfterMs).toBeGreaterThan(100);
      expect(refused.retryAfterMs).toBeLessThanOrEqual(policy.periodMs);

      await sleep(refused.retryAfterMs - 50);
      const early = await l.consume(key);
      expect(early.allowed).toBe(false);
      expect(Math.abs(performance.now() + early.retryAfterMs - (promisedAt + refused.retryAfterMs))).toBeLessThan(25);

      await sleep(promisedAt + refused.retryAfterMs - performance.now());
      const sentAt = performance.now();
      const onTime = await l.consume(key);
      expect(sentAt - (promisedAt + refused.retryAfterMs)).toBeLessThanOrEqual(10);
      expect(onTime).toMatchObject({ allowed: true, retryAfterMs: 0 });
    });
  });

  describe('gcra', () => {
    it('admits a burst, counts remaining down, then holds the steady rate', async () => {
      const l = limiter({ algorithm: 'gcra', name: 'steady', limit: 10, periodMs: 1_000, burst: 5 });
      const burst = await consumeMany(l, 'steady', 6);
      expect(burst.map((r) => r.allowed)).toEqual([true, true, true, true, true, false]);
      expect(burst.map((r) => r.remaining)).toEqual([4, 3, 2, 1, 0, 0]);
      expect(burst[4].resetAfterMs).toBeGreaterThan(400);
      expect(burst[4].resetAfterMs).toBeLessThanOrEqual(500);
      expect(burst[5].retryAfterMs).toBeLessThanOrEqual(100);

      // Keep asking every 20 ms for 1.2 s: about one admission per 100 ms.
      const started = performance.now();
      let admitted = 0;
      while (performance.now() - started < 1_200) {
        if ((await l.consume('steady')).allowed) admitted++;
        await sleep(20);
      }
      expect(admitted).toBeGreaterThanOrEqual(10);
      expect(admitted).toBeLessThanOrEqual(14);
    });

    it('charges a cost of several units at once', async () => {
      const l = limiter({ algorithm: 'gcra', name: 'costly', limit: 10, periodMs: 10_000 });
      const [a, b, c] = await consumeMany(l, 'costly', 3, 4);
      expect(a).toMatchObject({ allowed: true, remaining: 6 });
      expect(b).toMatchObject({ allowed: true, remaining: 2 });
      expect(c).toMatchObject({ allowed: false, remaining: 2 });
      // two more units needed, one unit comes back per second
      expect(c.retryAfterMs).toBeGreaterThan(1_900);
      expect(c.retryAfterMs).toBeLessThanOrEqual(2_000);
      expect(await l.consume('costly', 2)).toMatchObject({ allowed: true, remaining: 0 });
    });
  });

  it('admits only the limit when many requests for one key arrive at once (no check-then-add race)', async () => {
    for (const policy of [
      { algorithm: 'gcra', name: 'race-gcra', limit: 20, periodMs: 60_000 },
      { algorithm: 'sliding-window', name: 'race-sw', limit: 20, periodMs: 60_000 },
    ] as const) {
      const l = limiter(policy);
      const results = await Promise.all(Array.from({ length: 300 }, () => l.consume('race')));
      expect(results.filter((r) => r.allowed)).toHaveLength(20);
    }
  });

  it('keeps every key under <prefix>:ratelimit:, hashed, with a TTL', async () => {
    const l = limiter({ algorithm: 'sliding-window', name: 'layout', limit: 5, periodMs: 30_000 });
    const hugeKey = 'x'.repeat(100_000);
    await l.consume(hugeKey);
    await limiter({ algorithm: 'gcra', name: 'layout-gcra', limit: 5, periodMs: 30_000 }).consume(hugeKey);
    const keys = (await redis.keys(`${prefix}:*`)).filter((k) => k.includes(':layout'));
    expect(keys).toHaveLength(2);
    for (const key of keys) {
      expect(key).toMatch(new RegExp(`^${prefix}:ratelimit:layout(-gcra)?:(sw|gcra):[A-Za-z0-9_-]{43}$`));
      const ttl = await redis.pttl(key);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(30_000);
    }
  });

  it('applies a policy per key from a resolver', async () => {
    const free: RateLimitPolicy = { algorithm: 'sliding-window', name: 'plan', limit: 2, periodMs: 60_000 };
    const paid: RateLimitPolicy = { algorithm: 'sliding-window', name: 'plan', limit: 5, periodMs: 60_000 };
    const l = limiter((key) => (key.startsWith('free:') ? free : paid));
    const admitted = async (key: string) => (await consumeMany(l, key, 8)).filter((r) => r.allowed).length;
    expect(await admitted('free:t1')).toBe(2);
    expect(await admitted('paid:t2')).toBe(5);
    expect(l.policyFor('free:t1').limit).toBe(2);
  });

  it('waitFor sleeps until the promised time and then is admitted', async () => {
    const l = limiter({ algorithm: 'gcra', name: 'wait', limit: 5, periodMs: 1_000, burst: 1 });
    await l.consume('waiter');
    const started = performance.now();
    const results = [await l.waitFor('waiter'), await l.waitFor('waiter')];
    const elapsed = performance.now() - started;
    expect(results.every((r) => r.allowed)).toBe(true);
    expect(elapsed).toBeGreaterThanOrEqual(390); // two intervals of 200 ms
    expect(elapsed).toBeLessThan(2_000);
  });

  it('waitFor reserves turns in Redis: many waiters at once are admitted in turn, exactly one interval apart', async () => {
    const l = limiter({ algorithm: 'gcra', name: 'queue', limit: 10, periodMs: 1_000, burst: 1 });
    const results = await Promise.all(Array.from({ length: 6 }, () => l.waitFor('queued', { maxWaitMs: 5_000 })));
    // exactly one interval apart on Redis's clock: reserved turns, not retries that happen to succeed
    const times = results.map((r) => r.decidedAtMs).sort((a, b) => a - b);
    expect(results.every((r) => r.allowed && r.retryAfterMs === 0 && r.backend === 'redis')).toBe(true);
    for (let i = 1; i < times.length; i++) expect(times[i] - times[i - 1]).toBeCloseTo(100, 3);
    // a waiter whose turn is beyond maxWaitMs reserves nothing
    await expect(l.waitFor('queued', { maxWaitMs: 50 })).rejects.toMatchObject({ name: 'RateLimitedError' });
    const next = await l.waitFor('queued', { maxWaitMs: 5_000 });
    expect(next.decidedAtMs - times[times.length - 1]).toBeCloseTo(100, 3);
  });
});
