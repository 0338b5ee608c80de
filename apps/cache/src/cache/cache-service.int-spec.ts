import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { connect as tcpConnect } from 'node:net';
import { CacheSerializationError, CacheUnavailableError, createCacheClient, type CacheClient, type CacheClientOptions } from '@sluice/cache-client';
import { CODEC_BROTLI } from '@sluice/cache-store';
import { SUBJECTS } from '@sluice/contracts';
import { closeNats, connectNats, type NatsConnection } from '@sluice/messaging';
import { eventually, freePort } from '@sluice/testing';
import { Redis } from 'ioredis';
import { cacheServiceUnderTest, type CacheServiceUnderTest } from '../testing';

const NEAR = { maxEntries: 1000, maxBytes: 1024 * 1024, ttlMs: 60_000 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the cache service with cache clients', () => {
  let service: CacheServiceUnderTest;
  let redis: Redis;
  let ncA: NatsConnection;
  let ncB: NatsConnection;
  const clients: CacheClient[] = [];

  const client = async (tenantId: string, extra: Partial<CacheClientOptions> = {}) => {
    const c = await createCacheClient({ address: service.address, internalToken: service.config.internalToken, tenantId, topology: service.topology, ...extra });
    clients.push(c);
    return c;
  };
  const nearClient = (tenantId: string, nats: NatsConnection) => client(tenantId, { nats, nearCache: NEAR });
  const rawKey = (tenant: string, key: string) => `${service.config.redisPrefix}:cache:${tenant}:${key}`;

  beforeAll(async () => {
    service = await cacheServiceUnderTest(process.env);
    await service.start();
    redis = new Redis(process.env.REDIS_URL!);
    ncA = await connectNats({ url: process.env.NATS_URL!, name: 'cache-test-a' });
    ncB = await connectNats({ url: process.env.NATS_URL!, name: 'cache-test-b' });
  });

  afterAll(async () => {
    for (const c of clients) c.close();
    await service.dispose();
    await closeNats(ncA);
    await closeNats(ncB);
    await redis.quit();
  });

  it('stores a large compressible value compressed in Redis and reads it back equal', async () => {
    const tenant = randomUUID();
    const c = await client(tenant);
    const value = { rows: Array.from({ length: 2000 }, (_, i) => ({ id: i, status: 'active', note: 'the same words again' })) };
    await c.set('report', value);
    const raw = await redis.getBuffer(rawKey(tenant, 'report'));
    expect(raw?.[0]).toBe(CODEC_BROTLI);
    expect(await c.get('report')).toEqual(value);
  });

  it('refuses a value above the maximum with RESOURCE_EXHAUSTED and stores nothing', async () => {
    const tenant = randomUUID();
    const c = await client(tenant);
    const err = await c.set('huge', randomBytes(1024 * 1024 + 100)).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'RESOURCE_EXHAUSTED' });
    expect(await redis.exists(rawKey(tenant, 'huge'))).toBe(0);
    expect(await c.get('huge')).toBeUndefined();
  });

  it("drops an entry from a second client's near-cache when the first invalidates its tag", async () => {
    const tenant = randomUUID();
    const a = await nearClient(tenant, ncA);
    const b = await nearClient(tenant, ncB);
    await a.set('profile:1', { name: 'old' }, { tags: ['profiles'] });
    expect(await a.get('profile:1')).toEqual({ name: 'old' });
    expect(await b.get('profile:1')).toEqual({ name: 'old' });
    expect(await b.get('profile:1')).toEqual({ name: 'old' });
    expect(b.metrics().near).toMatchObject({ hits: 1, entries: 1 });

    expect(await a.invalidateTag('profiles')).toBe(1);
    expect(await a.get('profile:1')).toBeUndefined();
    await eventually(() => b.get('profile:1'), (v) => v === undefined, 5_000, 20);

    await a.set('profile:1', { name: 'new' }, { tags: ['profiles'] });
    await eventually(() => b.get<{ name: string }>('profile:1'), (v) => v?.name === 'new', 5_000, 20);
  });

  it("replaces a second client's near-cached value when the first sets a new one", async () => {
    const tenant = randomUUID();
    const a = await nearClient(tenant, ncA);
    const b = await nearClient(tenant, ncB);
    await a.set('k', 1);
    expect(await b.get('k')).toBe(1);
    await a.set('k', 2);
    await eventually(() => b.get('k'), (v) => v === 2, 5_000, 20);
    await a.delete('k');
    await eventually(() => b.get('k'), (v) => v === undefined, 5_000, 20);
  });

  it('publishes events.cache.invalidated (in its namespace) for every change', async () => {
    const tenant = randomUUID();
    const c = await client(tenant);
    const seen: unknown[] = [];
    const sub = ncA.subscribe(service.topology.subject(SUBJECTS.cacheInvalidated), {
      callback: (_e, msg) => {
        seen.push(msg.json());
      },
    });
    await ncA.flush();
    try {
      await c.set('a', 1, { tags: ['t'] });
      await c.mset([{ key: 'b', value: 2 }]);
      await c.invalidateTag('t');
      await c.invalidatePrefix('b');
      await c.delete('zzz');
      await eventually(() => seen.filter((e) => (e as { tenantId: string }).tenantId === tenant), (mine) => mine.length === 5, 5_000, 20);
      expect(seen.filter((e) => (e as { tenantId: string }).tenantId === tenant)).toEqual([
        { tenantId: tenant, keys: ['a'] },
        { tenantId: tenant, keys: ['b'] },
        { tenantId: tenant, keys: ['a'], tags: ['t'] },
        { tenantId: tenant, prefix: 'b' },
        { tenantId: tenant, keys: ['zzz'] },
      ]);
    } finally {
      sub.unsubscribe();
    }
  });

  it('runs one load for 100 concurrent misses on one key', async () => {
    const c = await nearClient(randomUUID(), ncA);
    let loads = 0;
    const loader = async () => {
      loads++;
      await sleep(100);
      return { computed: true, at: new Date(0) };
    };
    const results = await Promise.all(Array.from({ length: 100 }, () => c.getOrLoad('expensive', loader, { ttlMs: 60_000 })));
    expect(loads).toBe(1);
    expect(results).toEqual(Array(100).fill({ computed: true, at: new Date(0) }));
    expect(new Set(results).size).toBe(100); // each caller has its own copy
    expect(await c.getOrLoad('expensive', loader)).toEqual({ computed: true, at: new Date(0) });
    expect(loads).toBe(1);
  });

  it('caches an absence with its own, shorter ttl', async () => {
    const tenant = randomUUID();
    const c = await client(tenant);
    let loads = 0;
    const loader = async () => {
      loads++;
      return undefined;
    };
    const options = { ttlMs: 60_000, negativeTtlMs: 400 };
    expect(await c.getOrLoad('nobody', loader, options)).toBeUndefined();
    expect(await c.getOrLoad('nobody', loader, options)).toBeUndefined();
    expect(loads).toBe(1);
    const pttl = await redis.pttl(rawKey(tenant, 'nobody'));
    expect(pttl).toBeGreaterThan(0);
    expect(pttl).toBeLessThanOrEqual(440);
    expect(await c.get('nobody')).toBeUndefined();

    await sleep(600);
    expect(await c.getOrLoad('nobody', loader, options)).toBeUndefined();
    expect(loads).toBe(2);
  });

  it('round-trips Date, BigInt, Map, Set and nested objects through the service, and refuses a function clearly', async () => {
    const c = await nearClient(randomUUID(), ncA);
    const value = { when: new Date('2030-01-02T03:04:05Z'), big: 2n ** 70n, index: new Map([['a', new Set([1, 2])]]), deep: { a: [{ b: { c: 'd' } }] } };
    await c.set('typed', value);
    expect(await c.get('typed')).toEqual(value); // from the service
    expect(await c.get('typed')).toEqual(value); // from the near-cache
    expect(c.metrics().near?.hits).toBe(1);

    await expect(c.set('fn', { run: () => 1 })).rejects.toBeInstanceOf(CacheSerializationError);
    await expect(c.getOrLoad('fn', () => ({ run: () => 1 }))).rejects.toBeInstanceOf(CacheSerializationError);
    expect(await c.get('fn')).toBeUndefined();
  });

  it('invalidates by prefix exactly the tenant’s matching keys, not another tenant’s', async () => {
    const [t1, t2] = [randomUUID(), randomUUID()];
    const a = await client(t1);
    const b = await client(t2);
    const entries = ['user:1', 'user:2', 'user*', 'users', 'order:1'].map((key) => ({ key, value: key }));
    await a.mset(entries);
    await b.mset(entries);
    expect(await a.invalidatePrefix('user:')).toBe(2);
    expect(await a.mget(entries.map((e) => e.key))).toEqual([undefined, undefined, 'user*', 'users', 'order:1']);
    expect(await b.mget(entries.map((e) => e.key))).toEqual(entries.map((e) => e.key));
  });

  it('keeps tenants apart: tenant B cannot read tenant A’s key', async () => {
    const a = await client(randomUUID());
    const b = await client(randomUUID());
    await a.set('secret', 'for A only');
    expect(await b.get('secret')).toBeUndefined();
    expect(await b.delete('secret')).toBe(false);
    expect(await a.get('secret')).toBe('for A only');
  });

  it('counts hits, misses and sets per tenant, and lookups by result in the service metrics', async () => {
    const lookups = async (result: string) =>
      (await service.registry.getSingleMetric('sluice_cache_lookups_total')!.get()).values.find((v) => v.labels.result === result)?.value ?? 0;
    const [hitsBefore, missesBefore] = [await lookups('hit'), await lookups('miss')];
    const c = await client(randomUUID());
    await c.set('a', 1);
    await c.set('b', 2);
    await c.get('a');
    await c.get('a');
    await c.get('missing');
    await c.mget(['b', 'nope']);
    expect(await c.stats()).toMatchObject({ hits: 3, misses: 2, sets: 2, keys: 2 });
    expect((await c.stats()).bytesStored).toBeGreaterThan(0);
    expect((await lookups('hit')) - hitsBefore).toBe(3);
    expect((await lookups('miss')) - missesBefore).toBe(2);
  });

  it('warms only absent keys', async () => {
    const c = await client(randomUUID());
    await c.set('present', 'old');
    expect(await c.warm([{ key: 'present', value: 'new' }, { key: 'absent', value: 'new' }])).toEqual({ stored: 1, skipped: 1 });
    expect(await c.mget(['present', 'absent'])).toEqual(['old', 'new']);
  });

  it('answers a bad key with INVALID_ARGUMENT naming the field', async () => {
    const c = await client(randomUUID());
    await expect(c.set('has space', 1)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', violations: [{ path: 'key', message: expect.stringMatching(/printable/) }] });
    await expect(c.mset([{ key: 'ok', value: 1 }, { key: '', value: 2 }])).rejects.toMatchObject({ violations: [{ path: 'entries.1.key' }] });
  });
});

describe('a cache client when the service is down', () => {
  it('fails with UNAVAILABLE when nothing listens', async () => {
    const c = await createCacheClient({ address: `127.0.0.1:${await freePort()}`, internalToken: 'x'.repeat(32), tenantId: randomUUID(), callTimeoutMs: 1_000 });
    try {
      const err = await c.get('k').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CacheUnavailableError);
      expect(err).toMatchObject({ code: 'UNAVAILABLE', message: expect.stringMatching(/cache service at 127\.0\.0\.1:\d+ is unavailable/) });
    } finally {
      c.close();
    }
  });

  it('fails with UNAVAILABLE while the service is stopped and reconnects once it is back', async () => {
    const service = await cacheServiceUnderTest(process.env);
    await service.start();
    const c = await createCacheClient({ address: service.address, internalToken: service.config.internalToken, tenantId: randomUUID(), callTimeoutMs: 1_000 });
    try {
      await c.set('k', 'v');
      await service.stop();
      await expect(c.get('k')).rejects.toBeInstanceOf(CacheUnavailableError);
      await service.start();
      expect(await eventually(() => c.get('k').catch((e: unknown) => e), (v) => v === 'v', 15_000, 100)).toBe('v');
    } finally {
      c.close();
      await service.dispose();
    }
  });
});

const portAnswers = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = tcpConnect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

/** A throw-away core NATS server on a loopback port, to cut a client's connection for real. */
class ThrowAwayNats {
  private child?: ChildProcess;
  constructor(readonly port: number) {}

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.child = spawn('nats-server', ['-a', '127.0.0.1', '-p', String(this.port)], { stdio: 'ignore' });
    await eventually(() => portAnswers(this.port), (up) => up, 10_000, 50);
  }

  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    await new Promise((r) => {
      child.once('exit', r);
      child.kill('SIGKILL');
    });
  }
}

describe('a near-cache whose NATS connection drops', () => {
  it('is emptied and bypassed while disconnected, and used again after reconnecting', async () => {
    const service = await cacheServiceUnderTest(process.env);
    await service.start();
    const nats = new ThrowAwayNats(await freePort());
    await nats.start();
    const nc = await connectNats({ url: nats.url, name: 'cache-test-flaky', reconnectTimeWaitMs: 100 });
    const tenantId = randomUUID();
    const base = { address: service.address, internalToken: service.config.internalToken, tenantId };
    const writer = await createCacheClient(base);
    const reader = await createCacheClient({ ...base, nats: nc, topology: service.topology, nearCache: NEAR });
    try {
      await writer.set('k', 1);
      expect(await reader.get('k')).toBe(1);
      expect(reader.metrics().near?.entries).toBe(1);

      await nats.kill();
      await eventually(() => reader.metrics().near?.entries, (n) => n === 0, 5_000, 20);
      // Events cannot arrive now, so a change must be read from the service, and not kept.
      await writer.set('k', 2);
      expect(await reader.get('k')).toBe(2);
      expect(reader.metrics().near?.entries).toBe(0);

      await nats.start();
      const refill = async () => {
        await reader.get('k');
        return reader.metrics().near?.entries;
      };
      await eventually(refill, (entries) => entries === 1, 10_000, 100);
      const hits = reader.metrics().near?.hits ?? 0;
      expect(await reader.get('k')).toBe(2);
      expect(reader.metrics().near?.hits).toBe(hits + 1);
    } finally {
      writer.close();
      reader.close();
      await closeNats(nc);
      await nats.kill();
      await service.dispose();
    }
  });
});
