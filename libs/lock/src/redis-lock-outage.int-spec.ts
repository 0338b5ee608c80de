import { freePort, TestRedisServer, uniquePrefix } from '@sluice/testing';
import { Redis, type RedisOptions } from 'ioredis';
import { LockBackendError, LockLostError, RedisLock, type LockLogger } from './index';

interface Logged {
  readonly level: 'warn' | 'error';
  readonly fields: Record<string, unknown>;
  readonly message: string;
}

function recordingLogger(): LockLogger & { readonly entries: Logged[] } {
  const entries: Logged[] = [];
  return {
    entries,
    warn: (fields, message) => entries.push({ level: 'warn', fields, message }),
    error: (fields, message) => entries.push({ level: 'error', fields, message }),
  };
}

describe('RedisLock when Redis fails (throw-away redis-server)', () => {
  jest.setTimeout(45_000);
  let server: TestRedisServer;
  const clients: Redis[] = [];

  function client(options: RedisOptions = {}): Redis {
    // A short disconnectTimeout: a client whose server was killed has no socket end to wait for.
    const redis = new Redis(server.url, { disconnectTimeout: 50, ...options });
    redis.on('error', () => undefined); // connection errors are expected here; commands still reject
    clients.push(redis);
    return redis;
  }

  beforeAll(async () => {
    server = new TestRedisServer(await freePort());
    await server.start();
  });
  afterEach(async () => {
    await ensureRunning(); // a test may have left it stopped
  });
  afterAll(async () => {
    await Promise.all(clients.map((redis) => (redis.status === 'ready' ? redis.quit().then(() => undefined) : Promise.resolve(redis.disconnect()))));
    await server.stop();
  });

  async function ensureRunning(): Promise<void> {
    const probe = new Redis(server.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, disconnectTimeout: 50 });
    probe.on('error', () => undefined);
    const up = await probe.connect().then(
      () => true,
      () => false,
    );
    probe.disconnect();
    if (!up) await server.start();
  }

  it('acquires, extends and releases after SCRIPT FLUSH (NOSCRIPT falls back to EVAL)', async () => {
    const redis = client();
    const lock = new RedisLock({ redis, prefix: uniquePrefix('lock'), logger: recordingLogger() });
    const first = await lock.acquire('job', { autoExtend: false });
    await redis.script('FLUSH');
    await first.extend();
    expect(await first.release()).toBe(true);
    await redis.script('FLUSH');
    const second = await lock.acquire('job', { autoExtend: false });
    expect(second.fence).toBe(first.fence + 1);
    await redis.script('FLUSH');
    expect(await second.release()).toBe(true);
    // the EVAL fallback put the flushed release script back into Redis's cache
    const [, , releaseSha] = await scriptShas();
    expect(await redis.script('EXISTS', releaseSha)).toEqual([1]);
  });

  it('acquires again after the Redis server was killed and restarted, with the same client', async () => {
    const redis = client();
    const lock = new RedisLock({ redis, prefix: uniquePrefix('lock'), logger: recordingLogger() });
    const before = await lock.acquire('job');
    expect(await before.release()).toBe(true);
    await server.stop();
    await server.start();
    const after = await lock.acquire('job', { acquireTimeoutMs: 15_000 });
    // A fresh server has no data: the fence counter starts again. That is the documented limit of a
    // Redis without persistence; the lock itself works without restarting the client.
    expect(after.fence).toBeGreaterThanOrEqual(1);
    expect(await redis.get(lockKeyOf(lock, 'job'))).toBe(after.token);
    expect(await after.release()).toBe(true);
  });

  it('throws fn error unchanged when the release fails too, and logs the release failure', async () => {
    const logger = recordingLogger();
    const redis = client({ maxRetriesPerRequest: 0, enableOfflineQueue: false });
    const lock = new RedisLock({ redis, prefix: uniquePrefix('lock'), logger });
    const fnError = new Error('the job failed');
    const outcome = await lock
      .withLock('job', async () => {
        await server.stop();
        throw fnError;
      })
      .catch((e: unknown) => e);
    expect(outcome).toBe(fnError);
    expect(logger.entries).toEqual([expect.objectContaining({ level: 'error', message: expect.stringMatching(/release failed/), fields: expect.objectContaining({ lock: 'job' }) })]);
  });

  it('aborts the holder signal (lease-elapsed) when Redis stays unreachable past the lease', async () => {
    const redis = client({ maxRetriesPerRequest: 0, enableOfflineQueue: false });
    const logger = recordingLogger();
    const lock = new RedisLock({ redis, prefix: uniquePrefix('lock'), logger });
    const started = Date.now();
    let stoppedAt = 0;
    const reason = await lock.withLock(
      'job',
      async ({ signal }) => {
        await server.stop();
        stoppedAt = Date.now();
        await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
        return signal.reason as unknown;
      },
      { ttlMs: 1_000 },
    );
    expect(reason).toBeInstanceOf(LockLostError);
    expect(reason).toMatchObject({ reason: 'lease-elapsed' });
    expect(Date.now() - started).toBeLessThan(stoppedAt - started + 1_000 + 2_000);
    expect(logger.entries.some((e) => e.message.includes('extension failed'))).toBe(true);
  });

  it('fails with LockBackendError when Redis cannot be reached for the whole acquire timeout', async () => {
    const redis = client({ maxRetriesPerRequest: 0, enableOfflineQueue: false });
    const lock = new RedisLock({ redis, prefix: uniquePrefix('lock'), logger: recordingLogger() });
    await server.stop();
    const error = await lock.acquire('job', { acquireTimeoutMs: 300 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LockBackendError);
    expect(error).toMatchObject({ code: 'UNAVAILABLE', lockName: 'job' });
    expect((error as Error).cause).toBeInstanceOf(Error);
  });

  function lockKeyOf(lock: RedisLock, name: string): string {
    return `${(lock as unknown as { prefix: string }).prefix}:lock:${name}`;
  }

  async function scriptShas(): Promise<string[]> {
    const { createHash } = await import('node:crypto');
    const { readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    return ['acquire', 'extend', 'release'].map((name) =>
      createHash('sha1')
        .update(readFileSync(join(__dirname, '..', 'lua', `${name}.lua`), 'utf8'))
        .digest('hex'),
    );
  }
});
