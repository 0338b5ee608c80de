import { eventually, freePort, TestRedisServer, uniquePrefix } from '@sluice/testing';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { RateLimiter, type RateLimitLogger, type RateLimitResult } from './index';

const metric = async (registry: Registry, name: string, labels: Record<string, string> = {}) => {
  const values = (await registry.getSingleMetric(name)?.get())?.values ?? [];
  return values.filter((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l)).reduce((sum, v) => sum + v.value, 0);
};

describe('RateLimiter when Redis dies and comes back', () => {
  let server: TestRedisServer;
  let redis: Redis;
  const prefix = uniquePrefix('ratelimit-outage');
  const logs: { level: string; message: string }[] = [];
  const logger: RateLimitLogger = {
    info: (_f, message) => logs.push({ level: 'info', message }),
    warn: (_f, message) => logs.push({ level: 'warn', message }),
  };
  const limiters: RateLimiter[] = [];

  beforeAll(async () => {
    server = new TestRedisServer(await freePort());
    await server.start();
    redis = new Redis(server.url, { maxRetriesPerRequest: 1, retryStrategy: () => 100 });
    redis.on('error', () => undefined); // connection errors while the server is down are expected
  });

  afterAll(async () => {
    limiters.forEach((l) => l.close());
    redis.disconnect();
    await server.stop();
  });

  it('keeps limiting in process while Redis is down, then decides in Redis again', async () => {
    const registry = new Registry();
    const limiter = new RateLimiter({
      redis,
      prefix,
      policy: { algorithm: 'sliding-window', limit: 10, periodMs: 60_000 },
      commandTimeoutMs: 100,
      fallback: { probeIntervalMs: 200, maxKeys: 100 },
      registry,
      logger,
    });
    limiters.push(limiter);
    expect((await limiter.consume('tenant-a')).backend).toBe('redis');

    await server.stop();
    const burst: RateLimitResult[] = await Promise.all(Array.from({ length: 200 }, () => limiter.consume('tenant-a')));
    expect(burst.every((r) => r.backend === 'fallback')).toBe(true);
    // The fallback starts empty, so it may admit up to its own full limit: 10 of 200.
    expect(burst.filter((r) => r.allowed).length).toBeLessThanOrEqual(10);
    expect(burst.filter((r) => !r.allowed).length).toBeGreaterThanOrEqual(190);
    expect(burst.find((r) => !r.allowed)?.retryAfterMs).toBeGreaterThan(0);

    for (let i = 0; i < 1_000; i++) await limiter.consume(`distinct-${i}`);
    expect(limiter.fallbackKeyCount).toBeLessThanOrEqual(100);

    expect(limiter.backend).toBe('fallback');
    expect(await metric(registry, 'sluice_ratelimit_fallback_active')).toBe(1);
    expect(await metric(registry, 'sluice_ratelimit_decisions_total', { backend: 'fallback', outcome: 'denied' })).toBeGreaterThanOrEqual(190);
    expect(logs.filter((l) => l.level === 'warn')).toHaveLength(1);

    await server.start(); // an empty Redis: no scripts cached, no keys
    const back = await eventually(() => limiter.consume('tenant-b'), (r) => r.backend === 'redis', 15_000, 50);
    expect(back.allowed).toBe(true);
    expect(limiter.backend).toBe('redis');
    expect(await metric(registry, 'sluice_ratelimit_fallback_active')).toBe(0);
    expect(await metric(registry, 'sluice_ratelimit_decisions_total', { backend: 'redis' })).toBeGreaterThanOrEqual(2);
    expect(logs.map((l) => l.level)).toEqual(['warn', 'info']);
    const keys = await redis.keys(`${prefix}:ratelimit:*`);
    expect(keys.length).toBeGreaterThanOrEqual(1);
    await redis.del(...keys);
  }, 60_000);

  it('still decides after SCRIPT FLUSH (NOSCRIPT answered with EVAL)', async () => {
    const limiter = new RateLimiter({ redis, prefix, policy: { algorithm: 'gcra', name: 'flush', limit: 3, periodMs: 60_000 }, logger });
    limiters.push(limiter);
    const swLimiter = new RateLimiter({ redis, prefix, policy: { algorithm: 'sliding-window', name: 'flush', limit: 3, periodMs: 60_000 }, logger });
    limiters.push(swLimiter);
    await limiter.consume('k');
    await swLimiter.consume('k');
    await redis.script('FLUSH');
    const results = [await limiter.consume('k'), await swLimiter.consume('k'), await limiter.consume('k'), await swLimiter.consume('k'), await limiter.consume('k')];
    expect(results.map((r) => r.backend)).toEqual(['redis', 'redis', 'redis', 'redis', 'redis']);
    expect(results.map((r) => r.allowed)).toEqual([true, true, true, true, false]);
    expect(results.map((r) => r.remaining)).toEqual([1, 1, 0, 0, 0]);

    // many decisions in one tick travel as one pipeline: every NOSCRIPT in it is answered with EVAL
    const batchLimiter = new RateLimiter({ redis, prefix, policy: { algorithm: 'sliding-window', name: 'flush-batch', limit: 5, periodMs: 60_000 }, logger });
    limiters.push(batchLimiter);
    await redis.script('FLUSH');
    const batch = await Promise.all(Array.from({ length: 20 }, (_, i) => batchLimiter.consume(`key-${i % 2}`)));
    expect(batch.every((r) => r.backend === 'redis')).toBe(true);
    expect(batch.filter((r) => r.allowed)).toHaveLength(10);

    expect(logs.filter((l) => l.level === 'warn')).toHaveLength(1); // only the outage of the test before
    const keys = await redis.keys(`${prefix}:ratelimit:flush*`);
    await redis.del(...keys);
  });
});
