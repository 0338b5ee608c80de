import type { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { InvalidRateLimitError } from './rate-limit-errors';
import type { RateLimitLogger } from './rate-limit-logger';
import { RateLimiter } from './rate-limiter';

/** A Redis whose commands never answer (a hung server), until `answer()` makes PING work again. */
function hungRedis() {
  let answering = false;
  const never = () => new Promise<never>(() => undefined);
  const pipelined = { evalsha: jest.fn(), eval: jest.fn(), exec: jest.fn(never) };
  const redis = {
    evalsha: jest.fn(never),
    eval: jest.fn(never),
    pipeline: jest.fn(() => pipelined),
    ping: jest.fn(() => (answering ? Promise.resolve('PONG') : never())),
  };
  return { redis: redis as unknown as Redis, mock: redis, answer: () => (answering = true) };
}

function capturingLogger() {
  const lines: { level: string; message: string }[] = [];
  const logger: RateLimitLogger = {
    info: (_fields, message) => lines.push({ level: 'info', message }),
    warn: (_fields, message) => lines.push({ level: 'warn', message }),
  };
  return { logger, lines };
}

const metric = async (registry: Registry, name: string, labels: Record<string, string> = {}) => {
  const values = (await registry.getSingleMetric(name)?.get())?.values ?? [];
  return values.filter((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l)).reduce((sum, v) => sum + v.value, 0);
};

describe('RateLimiter without Redis answering', () => {
  const limiters: RateLimiter[] = [];
  afterEach(() => limiters.splice(0).forEach((l) => l.close()));

  const create = (redis: Redis, logger: RateLimitLogger, registry: Registry) => {
    const limiter = new RateLimiter({
      redis,
      prefix: 'unit',
      policy: { algorithm: 'gcra', limit: 5, periodMs: 60_000 },
      commandTimeoutMs: 50,
      fallback: { probeIntervalMs: 100 },
      logger,
      registry,
    });
    limiters.push(limiter);
    return limiter;
  };

  it('decides in process after the command timeout, warns once, and stops calling Redis per request', async () => {
    const { redis, mock } = hungRedis();
    const { logger, lines } = capturingLogger();
    const registry = new Registry();
    const limiter = create(redis, logger, registry);

    const first = await Promise.all(Array.from({ length: 10 }, () => limiter.consume('tenant-1')));
    expect(first.every((r) => r.backend === 'fallback')).toBe(true);
    expect(first.filter((r) => r.allowed)).toHaveLength(5);
    // the ten concurrent decisions went to Redis as one pipeline, which timed out as a whole
    expect(mock.pipeline).toHaveBeenCalledTimes(1);
    const later = await Promise.all(Array.from({ length: 10 }, () => limiter.consume('tenant-1')));
    expect(later.every((r) => r.backend === 'fallback' && !r.allowed)).toBe(true);
    expect(mock.pipeline).toHaveBeenCalledTimes(1);
    expect(mock.evalsha).not.toHaveBeenCalled();

    expect(lines.filter((l) => l.level === 'warn')).toHaveLength(1);
    expect(limiter.backend).toBe('fallback');
    expect(await metric(registry, 'sluice_ratelimit_fallback_active')).toBe(1);
    expect(await metric(registry, 'sluice_ratelimit_decisions_total', { backend: 'fallback' })).toBe(20);
  });

  it('goes back to Redis by itself once a probe answers, logging once', async () => {
    const { redis, mock, answer } = hungRedis();
    const { logger, lines } = capturingLogger();
    const registry = new Registry();
    const limiter = create(redis, logger, registry);
    await limiter.consume('k');
    expect(limiter.backend).toBe('fallback');
    await new Promise((r) => setTimeout(r, 350));
    const probes = mock.ping.mock.calls.length;
    expect(probes).toBeGreaterThanOrEqual(1);
    expect(probes).toBeLessThanOrEqual(4); // one per interval, not one per request

    answer();
    const deadline = Date.now() + 2_000;
    while (limiter.backend === 'fallback' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(limiter.backend).toBe('redis');
    expect(lines.map((l) => l.level)).toEqual(['warn', 'info']);
    expect(await metric(registry, 'sluice_ratelimit_fallback_active')).toBe(0);
  });

  it('refuses an empty key or a bad cost with a typed error, before touching Redis', async () => {
    const { redis, mock } = hungRedis();
    const limiter = create(redis, capturingLogger().logger, new Registry());
    await expect(limiter.consume('')).rejects.toBeInstanceOf(InvalidRateLimitError);
    await expect(limiter.consume('k', 6)).rejects.toThrow(/from 1 to 5/);
    await expect(limiter.consume('k', 0)).rejects.toBeInstanceOf(InvalidRateLimitError);
    expect(mock.evalsha).not.toHaveBeenCalled();
    expect(mock.pipeline).not.toHaveBeenCalled();
  });

  it('refuses bad options at construction', () => {
    const { redis } = hungRedis();
    expect(() => new RateLimiter({ redis, prefix: '', policy: { algorithm: 'gcra', limit: 1, periodMs: 1 } })).toThrow(InvalidRateLimitError);
    expect(() => new RateLimiter({ redis, prefix: 'p', policy: { algorithm: 'gcra', limit: 1, periodMs: 1 }, commandTimeoutMs: 0 })).toThrow(InvalidRateLimitError);
    expect(() => new RateLimiter({ redis, prefix: 'p', policy: { algorithm: 'gcra', limit: 0, periodMs: 1 } })).toThrow(InvalidRateLimitError);
  });

  it('validates a resolver policy on use and applies a policy per key', async () => {
    const { redis } = hungRedis();
    const small = { algorithm: 'sliding-window', limit: 1, periodMs: 60_000 } as const;
    const large = { algorithm: 'sliding-window', limit: 3, periodMs: 60_000 } as const;
    const limiter = new RateLimiter({
      redis,
      prefix: 'unit',
      policy: (key) => (key === 'broken' ? { algorithm: 'gcra', limit: -1, periodMs: 1 } : key.startsWith('free:') ? small : large),
      commandTimeoutMs: 20,
      logger: capturingLogger().logger,
    });
    limiters.push(limiter);
    const admitted = async (key: string) => (await Promise.all(Array.from({ length: 5 }, () => limiter.consume(key)))).filter((r) => r.allowed).length;
    expect(await admitted('free:a')).toBe(1);
    expect(await admitted('paid:b')).toBe(3);
    await expect(limiter.consume('broken')).rejects.toBeInstanceOf(InvalidRateLimitError);
  });

  it('waitFor gives up with RateLimitedError when admission is beyond maxWaitMs, and stops on abort', async () => {
    const { redis } = hungRedis();
    const limiter = create(redis, capturingLogger().logger, new Registry());
    for (let i = 0; i < 5; i++) await limiter.consume('k');
    await expect(limiter.waitFor('k', { maxWaitMs: 1_000 })).rejects.toMatchObject({ name: 'RateLimitedError', code: 'RESOURCE_EXHAUSTED', policy: 'default' });
    const controller = new AbortController();
    const waiting = limiter.waitFor('k', { maxWaitMs: 60_000, signal: controller.signal });
    setTimeout(() => controller.abort(new Error('client went away')), 30);
    await expect(waiting).rejects.toThrow('client went away');
  });
});
