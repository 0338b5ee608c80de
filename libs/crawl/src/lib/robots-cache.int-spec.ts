import { deleteKeysWithPrefix, eventually, uniquePrefix } from '@sluice/testing';
import { Redis } from 'ioredis';
import { RobotsCache, type RobotsCacheOptions } from './robots-cache';
import type { RobotsFetchResult } from './robots-rules';

const UA = 'SluiceBot/0.1 (+https://example.org/bot)';
const DISALLOW_PRIVATE: RobotsFetchResult = { status: 200, body: 'User-agent: *\nDisallow: /private/\nCrawl-delay: 1\n' };

jest.setTimeout(30_000);

describe('RobotsCache on Redis', () => {
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const clients: Redis[] = [];
  const prefix = uniquePrefix('robots');
  let admin: Redis;

  const client = () => {
    const redis = new Redis(redisUrl);
    clients.push(redis);
    return redis;
  };
  /** A cache with its own Redis connection, like one replica, and a fetcher that counts its calls. */
  const replica = (fetchRobots: RobotsCacheOptions['fetchRobots'], options: Partial<RobotsCacheOptions> = {}) =>
    new RobotsCache({ redis: client(), keyPrefix: prefix, userAgent: UA, fetchRobots, ...options });
  const counting = (answer: (url: string, call: number) => RobotsFetchResult | Promise<RobotsFetchResult>) => {
    const calls: string[] = [];
    const fetchRobots = async (url: string) => {
      calls.push(url);
      return answer(url, calls.length);
    };
    return { calls, fetchRobots };
  };

  beforeAll(() => {
    admin = client();
  });

  afterAll(async () => {
    await deleteKeysWithPrefix(admin, prefix);
    await Promise.all(clients.map((c) => c.quit()));
  });

  it('makes one fetch for 100 concurrent callers of one host', async () => {
    const { calls, fetchRobots } = counting(async () => {
      await new Promise((resolve) => setTimeout(resolve, 50));
      return DISALLOW_PRIVATE;
    });
    const cache = replica(fetchRobots);
    const urls = Array.from({ length: 100 }, (_, i) => `https://single-flight.example/${i % 2 === 0 ? 'private' : 'public'}/${i}`);
    const rules = await Promise.all(urls.map((url) => cache.rulesFor(url)));
    expect(calls).toEqual(['https://single-flight.example/robots.txt']);
    expect(rules.map((r, i) => r.isAllowed(urls[i]))).toEqual(urls.map((url) => url.includes('/public/')));
    expect(rules[0].crawlDelayMs).toBe(1_000);
  });

  it('shares a fetched robots.txt with another replica through Redis', async () => {
    const first = counting(() => DISALLOW_PRIVATE);
    const second = counting(() => ({ status: 404 }));
    await replica(first.fetchRobots).rulesFor('https://shared.example/a');
    const rules = await replica(second.fetchRobots).rulesFor('https://shared.example/private/x');
    expect(first.calls).toHaveLength(1);
    expect(second.calls).toHaveLength(0);
    expect(rules.isAllowed('https://shared.example/private/x')).toBe(false);
    expect(await admin.pttl(`${prefix}:crawl:robots:https://shared.example/robots.txt`)).toBeGreaterThan(3_000_000);
  });

  it('keeps hosts apart, and each origin (scheme, port) has its own robots.txt', async () => {
    const { calls, fetchRobots } = counting((url) => (url.startsWith('https://a.example/') ? DISALLOW_PRIVATE : { status: 404 }));
    const cache = replica(fetchRobots);
    expect((await cache.rulesFor('https://a.example/private/1')).isAllowed('https://a.example/private/1')).toBe(false);
    expect((await cache.rulesFor('https://b.example/private/1')).isAllowed('https://b.example/private/1')).toBe(true);
    expect((await cache.rulesFor('https://a.example:8443/private/1')).isAllowed('https://a.example:8443/private/1')).toBe(true);
    expect(calls.sort()).toEqual(['https://a.example/robots.txt', 'https://a.example:8443/robots.txt', 'https://b.example/robots.txt']);
  });

  it('serves an aging entry at once and refreshes it in the background', async () => {
    let releaseSecondFetch: () => void = () => undefined;
    const { calls, fetchRobots } = counting(async (_url, call) => {
      if (call === 1) return { status: 200, body: 'User-agent: *\nDisallow: /old/\n' };
      await new Promise<void>((resolve) => (releaseSecondFetch = resolve));
      return { status: 200, body: 'User-agent: *\nDisallow: /new/\n' };
    });
    // Past half the TTL, with seconds to spare before it ends even on a slow machine.
    const cache = replica(fetchRobots, { ttlMs: 8_000 });
    expect((await cache.rulesFor('https://swr.example/old/1')).isAllowed('https://swr.example/old/1')).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 4_100));

    const stale = await cache.rulesFor('https://swr.example/old/1');
    expect(stale.isAllowed('https://swr.example/old/1')).toBe(false);
    await eventually(async () => calls.length, (n) => n === 2, 5_000, 10);
    releaseSecondFetch();

    const fresh = await eventually(
      () => cache.rulesFor('https://swr.example/x'),
      (rules) => !rules.isAllowed('https://swr.example/new/1'),
      5_000,
      20,
    );
    expect(fresh.isAllowed('https://swr.example/old/1')).toBe(true);
    expect(calls).toHaveLength(2);
  });

  it('disallows everything after a 5xx, and only for the short error TTL', async () => {
    const { calls, fetchRobots } = counting((_url, call) => (call === 1 ? { status: 503 } : { status: 404 }));
    const cache = replica(fetchRobots, { errorTtlMs: 300 });
    expect((await cache.rulesFor('https://flaky.example/page')).isAllowed('https://flaky.example/page')).toBe(false);
    expect(await admin.pttl(`${prefix}:crawl:robots:https://flaky.example/robots.txt`)).toBeLessThanOrEqual(300);
    const recovered = await eventually(
      () => cache.rulesFor('https://flaky.example/page'),
      (rules) => rules.isAllowed('https://flaky.example/page'),
      5_000,
      50,
    );
    expect(recovered.isAllowed('https://flaky.example/other')).toBe(true);
    expect(calls).toHaveLength(2);
  });

  it('treats a fetch that throws or outlasts fetchTimeoutMs as unreachable: disallow all', async () => {
    const throwing = replica(async () => {
      throw new Error('ECONNREFUSED');
    });
    expect((await throwing.rulesFor('https://down.example/a')).isAllowed('https://down.example/a')).toBe(false);
    const hanging = replica((_url, signal) => new Promise((_resolve, reject) => signal?.addEventListener('abort', () => reject(signal.reason))), { fetchTimeoutMs: 200 });
    expect((await hanging.rulesFor('https://hangs.example/a')).isAllowed('https://hangs.example/a')).toBe(false);
  });

  it('rejects a caller whose signal aborts without disturbing the others', async () => {
    let finish: ((result: RobotsFetchResult) => void) | undefined;
    const cache = replica(() => new Promise((resolve) => (finish = resolve)));
    const controller = new AbortController();
    const reason = new Error('task cancelled');
    const aborted = cache.rulesFor('https://slow.example/a', controller.signal);
    const patient = cache.rulesFor('https://slow.example/b');
    await eventually(async () => finish !== undefined, Boolean, 10_000, 10);
    controller.abort(reason);
    await expect(aborted).rejects.toBe(reason);
    finish?.({ status: 404 });
    expect((await patient).isAllowed('https://slow.example/b')).toBe(true);
  });

  it('ignores robots.txt beyond maxBodyBytes', async () => {
    const filler = '# padding\n'.repeat(200);
    const body = `User-agent: *\nDisallow: /early/\n${filler}Disallow: /late/\n`;
    const cache = replica(async () => ({ status: 200, body }), { maxBodyBytes: 1_000 });
    const rules = await cache.rulesFor('https://big.example/');
    expect(rules.isAllowed('https://big.example/early/x')).toBe(false);
    expect(rules.isAllowed('https://big.example/late/x')).toBe(true);
  });
});
