import { deleteKeysWithPrefix, uniquePrefix } from '@sluice/testing';
import { Redis } from 'ioredis';
import { HostWaitTimeoutError } from './crawl-errors';
import { HostPoliteness, type HostPolitenessOptions } from './host-politeness';

jest.setTimeout(60_000);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('HostPoliteness on Redis, shared by replicas', () => {
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const prefix = uniquePrefix('politeness');
  const clients: Redis[] = [];
  const instances: HostPoliteness[] = [];
  let admin: Redis;

  /** One "replica": its own Redis connection and its own HostPoliteness. */
  const replica = (options: Partial<HostPolitenessOptions> = {}) => {
    const redis = new Redis(redisUrl);
    clients.push(redis);
    const politeness = new HostPoliteness({ redis, keyPrefix: prefix, defaultRequestsPerSecond: 1000, defaultConcurrency: 100, rateLimitCommandTimeoutMs: 5_000, ...options });
    instances.push(politeness);
    return { redis, politeness };
  };
  const redisNowMs = async () => {
    const [seconds, micros] = await admin.time();
    return Number(seconds) * 1000 + Number(micros) / 1000;
  };

  beforeAll(() => {
    admin = new Redis(redisUrl);
  });

  afterAll(async () => {
    instances.forEach((p) => p.close());
    await deleteKeysWithPrefix(admin, prefix);
    await Promise.all([...clients, admin].map((c) => (c.status === 'end' ? undefined : c.quit())));
  });

  it('holds 5 requests/s for one host across two replicas: no 1 s window ever holds more than 5', async () => {
    const [a, b] = [replica(), replica()];
    const host = 'rate.example';
    const grants: { at: number; by: string }[] = [];
    const stop = new AbortController();
    const worker = async (name: string, politeness: HostPoliteness) => {
      while (!stop.signal.aborted) {
        try {
          const release = await politeness.acquire(host, { requestsPerSecond: 5 }, stop.signal);
          grants.push({ at: release.grantedAtMs, by: name });
          await release();
        } catch (error) {
          if (!stop.signal.aborted) throw error;
        }
      }
    };
    const running = [worker('a1', a.politeness), worker('a2', a.politeness), worker('b1', b.politeness), worker('b2', b.politeness)];
    await sleep(2_200);
    stop.abort(new Error('test over'));
    await Promise.all(running);

    const times = grants.map((g) => g.at).sort((x, y) => x - y);
    expect(times.length).toBeGreaterThanOrEqual(7);
    for (let i = 0; i + 5 < times.length; i++) expect(times[i + 5] - times[i]).toBeGreaterThanOrEqual(1_000 - 0.01);
    expect(new Set(grants.map((g) => g.by[0]))).toEqual(new Set(['a', 'b']));
  });

  it('enforces Crawl-delay as the minimum interval between requests to the host, across replicas', async () => {
    const [a, b] = [replica(), replica()];
    const host = 'crawl-delay.example';
    const times: number[] = [];
    await Promise.all(
      [a, b, a, b].map(async ({ politeness }) => {
        const release = await politeness.acquire(host, { requestsPerSecond: 100, crawlDelayMs: 400 });
        times.push(release.grantedAtMs);
        await release();
      }),
    );
    times.sort((x, y) => x - y);
    for (let i = 1; i < times.length; i++) expect(times[i] - times[i - 1]).toBeGreaterThanOrEqual(400 - 0.01);
  });

  it('never lets more than the concurrency cap hold slots for one host across replicas, and reaches it', async () => {
    const [a, b] = [replica({ slotPollMs: 20 }), replica({ slotPollMs: 20 })];
    const host = 'concurrency.example';
    let inFlight = 0;
    let peak = 0;
    let done = 0;
    await Promise.all(
      Array.from({ length: 24 }, async (_, i) => {
        const politeness = (i % 2 === 0 ? a : b).politeness;
        const release = await politeness.acquire(host, { concurrency: 2 });
        inFlight++;
        peak = Math.max(peak, inFlight);
        await sleep(30);
        inFlight--;
        done++;
        await release();
      }),
    );
    expect(done).toBe(24);
    expect(peak).toBe(2);
    expect(await admin.zcard(`${prefix}:crawl:host:${host}:slots`)).toBe(0);
  });

  it('frees the slot of a crashed holder once its lease runs out', async () => {
    const crashed = replica({ leaseMs: 3_000 });
    const survivor = replica({ leaseMs: 3_000, maxWaitMs: 300 });
    const patient = replica({ leaseMs: 3_000, maxWaitMs: 20_000 });
    const host = 'crash.example';
    await crashed.politeness.acquire(host, { concurrency: 1 });
    crashed.redis.disconnect();
    crashed.politeness.close();

    await expect(survivor.politeness.acquire(host, { concurrency: 1 })).rejects.toBeInstanceOf(HostWaitTimeoutError);
    const release = await patient.politeness.acquire(host, { concurrency: 1 });
    await release();
  });

  it('keeps a held slot alive past its lease while the holder is alive', async () => {
    const holder = replica({ leaseMs: 1_500 });
    const other = replica({ leaseMs: 1_500, maxWaitMs: 300 });
    const host = 'renewed.example';
    const release = await holder.politeness.acquire(host, { concurrency: 1 });
    await sleep(3_500);
    await expect(other.politeness.acquire(host, { concurrency: 1 })).rejects.toBeInstanceOf(HostWaitTimeoutError);
    await release();
    const next = await other.politeness.acquire(host, { concurrency: 1 });
    await next();
  });

  it('penalize delays the next acquire on every replica until Retry-After has passed', async () => {
    const [a, b] = [replica({ maxWaitMs: 300 }), replica({ maxWaitMs: 20_000 })];
    const host = 'penalized.example';
    const before = await redisNowMs();
    expect(await a.politeness.penalize(host, 3_000)).toBe(3_000);
    await expect(a.politeness.acquire(host)).rejects.toBeInstanceOf(HostWaitTimeoutError);
    const release = await b.politeness.acquire(host);
    expect(release.grantedAtMs).toBeGreaterThanOrEqual(before + 3_000);
    await release();
  });

  it('holds back a request that was waiting for its turn when a penalty arrived', async () => {
    const { politeness } = replica();
    const host = 'penalized-while-waiting.example';
    const first = await politeness.acquire(host, { requestsPerSecond: 1, concurrency: 2 });
    const second = politeness.acquire(host, { requestsPerSecond: 1, concurrency: 2 }); // waits ~1 s for the rate
    await sleep(200);
    const penalizedAt = await redisNowMs();
    await politeness.penalize(host, 2_000);
    const release = await second;
    expect(await redisNowMs()).toBeGreaterThanOrEqual(penalizedAt + 2_000);
    await Promise.all([first(), release()]);
  });

  it('backs off exponentially without Retry-After, one step per penalty, capped', async () => {
    const { politeness } = replica({ baseBackoffMs: 400, maxBackoffMs: 1_400 });
    const host = 'backoff.example';
    const waitOut = async (ms: number) => sleep(ms + 30);
    const first = await politeness.penalize(host, undefined);
    expect(first).toBe(400);
    const duringPenalty = await politeness.penalize(host, undefined);
    expect(duringPenalty).toBeLessThanOrEqual(400);
    await waitOut(first);
    expect(await politeness.penalize(host, undefined)).toBe(800);
    await waitOut(800);
    expect(await politeness.penalize(host, undefined)).toBe(1_400);
    await waitOut(1_400);
    expect(await politeness.penalize(host, undefined)).toBe(1_400);
  });

  it('caps a Retry-After at maxBackoffMs and never shortens a longer penalty', async () => {
    const { politeness } = replica({ maxBackoffMs: 5_000 });
    expect(await politeness.penalize('cap.example', 3_600_000)).toBe(5_000);
    const shorter = await politeness.penalize('cap.example', 10);
    expect(shorter).toBeGreaterThan(4_000);
  });

  it('stops waiting when the signal aborts, and gives the slot back', async () => {
    const { politeness } = replica();
    const host = 'abort.example';
    await politeness.penalize(host, 10_000);
    const controller = new AbortController();
    const reason = new Error('task cancelled');
    const waiting = politeness.acquire(host, { concurrency: 1 }, controller.signal);
    controller.abort(reason);
    await expect(waiting).rejects.toBe(reason);
    expect(await admin.zcard(`${prefix}:crawl:host:${host}:slots`)).toBe(0);
  });

  it('refuses bad options naming the field, and changes nothing', async () => {
    const { politeness } = replica();
    await expect(politeness.acquire('bad.example', { requestsPerSecond: 0, concurrency: 1.5 })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      violations: [
        { path: 'requestsPerSecond', message: expect.any(String) },
        { path: 'concurrency', message: expect.any(String) },
      ],
    });
    await expect(politeness.penalize('bad host', -1)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', violations: [{ path: 'host' }, { path: 'retryAfterMs' }] });
    expect(await admin.exists(`${prefix}:crawl:host:bad.example:slots`)).toBe(0);
  });
});
