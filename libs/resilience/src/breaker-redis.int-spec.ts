import { eventually, freePort, TestRedisServer, uniquePrefix } from '@sluice/testing';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { BreakerRegistry, CircuitOpenError, type Breaker } from './index';
import { readBreakerMetric } from '@sluice/resilience/testing';

describe('a breaker around a real Redis that is killed and started again', () => {
  let server: TestRedisServer;
  let redis: Redis;
  let metrics: Registry;
  let breakers: BreakerRegistry;
  let breaker: Breaker;
  const prefix = uniquePrefix('resilience');
  const key = `${prefix}:greeting`;
  let attempts = 0;

  /** One GET through the breaker; `attempts` counts the commands that actually went to ioredis. */
  const get = () =>
    breaker.execute(() => {
      attempts++;
      return redis.get(key);
    });

  beforeAll(async () => {
    server = new TestRedisServer(await freePort());
    await server.start();
    // No offline queue and no per-request retries: while the server is down a command fails at once
    // instead of waiting for a reconnect, which is the failure the breaker has to notice.
    redis = new Redis(server.url, { enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => 50, lazyConnect: true });
    redis.on('error', () => undefined);
    await redis.connect();
    metrics = new Registry();
    breakers = new BreakerRegistry({ metricsRegistry: metrics });
    breaker = breakers.create('redis', { volumeThreshold: 5, errorThresholdPercentage: 50, resetTimeoutMs: 1_500, timeoutMs: 1_000 });
  }, 30_000);

  afterAll(async () => {
    breakers?.shutdown();
    if (redis?.status === 'ready') await redis.del(key);
    redis?.disconnect();
    await server?.stop();
  });

  it('opens while Redis is down, refusing calls without sending them, then closes on the first success after restart', async () => {
    await redis.set(key, 'hello');
    for (let i = 0; i < 5; i++) await expect(get()).resolves.toBe('hello');
    expect(breaker.state).toBe('closed');

    await server.stop();
    attempts = 0;
    const outcomes: unknown[] = [];
    for (let i = 0; i < 40; i++) outcomes.push(await get().catch((error: unknown) => error));

    const refused = outcomes.filter((o) => o instanceof CircuitOpenError);
    const failed = outcomes.filter((o) => o instanceof Error && !(o instanceof CircuitOpenError));
    expect(breaker.state).toBe('open');
    expect(failed.length).toBeGreaterThanOrEqual(5);
    expect(refused.length).toBeGreaterThanOrEqual(30);
    expect(refused.every((e) => (e as CircuitOpenError).breaker === 'redis' && (e as CircuitOpenError).code === 'UNAVAILABLE')).toBe(true);
    expect(attempts).toBe(failed.length);
    expect(attempts).toBeLessThan(outcomes.length);
    expect(await readBreakerMetric(metrics, 'sluice_circuit_breaker_calls_total', { breaker: 'redis', outcome: 'rejected' })).toBe(refused.length);
    expect(await readBreakerMetric(metrics, 'sluice_circuit_breaker_state', { breaker: 'redis' })).toBe(2);

    await server.start();
    await eventually(() => redis.status, (status) => status === 'ready', 15_000);
    await eventually(() => breaker.state, (state) => state === 'half-open', 5_000, 20);
    const attemptsBeforeTrial = attempts;
    // The restarted server keeps nothing (no persistence), so the trial GET finds no value.
    await expect(get()).resolves.toBeNull();
    expect(breaker.state).toBe('closed');
    expect(attempts).toBe(attemptsBeforeTrial + 1);
    await redis.set(key, 'again');
    await expect(get()).resolves.toBe('again');
    const transitions = (from: string, to: string) => readBreakerMetric(metrics, 'sluice_circuit_breaker_transitions_total', { breaker: 'redis', from, to });
    expect(await transitions('closed', 'open')).toBe(1);
    expect(await transitions('open', 'half-open')).toBe(1);
    expect(await transitions('half-open', 'closed')).toBe(1);
    expect(await readBreakerMetric(metrics, 'sluice_circuit_breaker_state', { breaker: 'redis' })).toBe(0);
  });
});
