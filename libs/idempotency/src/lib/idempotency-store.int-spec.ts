import { deleteKeysWithPrefix, uniquePrefix } from '@sluice/testing';
import { Redis } from 'ioredis';
import { IdempotencyKeyInFlightError, IdempotencyKeyReusedError, IdempotencyStore } from './idempotency-store';

const TENANT = '11111111-1111-4111-8111-111111111111';

describe('IdempotencyStore on Redis', () => {
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const prefix = uniquePrefix('idem');
  const store = new IdempotencyStore(redis, prefix);

  afterAll(async () => {
    await deleteKeysWithPrefix(redis, prefix);
    await redis.quit();
  });

  it('lets exactly one of many concurrent requests with one key do the work', async () => {
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => store.claim(TENANT, 'k-concurrent', 'POST /x {"a":1}')));
    expect(results.filter((r) => r.status === 'fulfilled' && r.value.kind === 'claimed')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected' && r.reason instanceof IdempotencyKeyInFlightError)).toHaveLength(19);
  });

  it('replays the stored response for the same request, and refuses the key for another request', async () => {
    const claim = await store.claim(TENANT, 'k-replay', 'POST /x {"a":1}');
    if (claim.kind !== 'claimed') throw new Error('expected a claim');
    await store.complete(claim.slot, 'POST /x {"a":1}', { status: 202, body: { taskId: 't-1' } });
    expect(await store.claim(TENANT, 'k-replay', 'POST /x {"a":1}')).toEqual({ kind: 'replay', response: { status: 202, body: { taskId: 't-1' } } });
    await expect(store.claim(TENANT, 'k-replay', 'POST /x {"a":2}')).rejects.toBeInstanceOf(IdempotencyKeyReusedError);
  });

  it('keeps tenants apart and frees a key after a failure', async () => {
    const first = await store.claim(TENANT, 'k-free', 'POST /x {}');
    expect((await store.claim('22222222-2222-4222-8222-222222222222', 'k-free', 'POST /x {}')).kind).toBe('claimed');
    if (first.kind !== 'claimed') throw new Error('expected a claim');
    await store.release(first.slot);
    expect((await store.claim(TENANT, 'k-free', 'POST /x {}')).kind).toBe('claimed');
  });

  it('expires a stored response after its TTL', async () => {
    const short = new IdempotencyStore(redis, prefix, 200);
    const claim = await short.claim(TENANT, 'k-ttl', 'POST /x {}');
    if (claim.kind !== 'claimed') throw new Error('expected a claim');
    await short.complete(claim.slot, 'POST /x {}', { status: 202, body: {} });
    await new Promise((r) => setTimeout(r, 300));
    expect((await short.claim(TENANT, 'k-ttl', 'POST /x {}')).kind).toBe('claimed');
  });
});
