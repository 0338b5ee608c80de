import { NearCache } from './near-cache';

describe('NearCache', () => {
  it('is bounded by entries, dropping the least recently used', () => {
    const near = new NearCache({ maxEntries: 2, maxBytes: 1_000_000, ttlMs: 60_000 });
    near.set('a', Buffer.from('1'), 60_000);
    near.set('b', Buffer.from('2'), 60_000);
    near.get('a');
    near.set('c', Buffer.from('3'), 60_000);
    expect(near.get('b')).toBeUndefined();
    expect(near.get('a')).toEqual(Buffer.from('1'));
    expect(near.stats().entries).toBe(2);
  });

  it('is bounded by bytes, and never keeps one entry larger than the whole budget', () => {
    const near = new NearCache({ maxEntries: 100, maxBytes: 100, ttlMs: 60_000 });
    for (let i = 0; i < 10; i++) near.set(`k${i}`, Buffer.alloc(30), 60_000);
    expect(near.stats().bytes).toBeLessThanOrEqual(100);
    near.set('huge', Buffer.alloc(500), 60_000);
    expect(near.get('huge')).toBeUndefined();
    expect(near.stats().bytes).toBeLessThanOrEqual(100);
  });

  it('forgets an entry at the shorter of its own ttl and the near-cache ttl', async () => {
    const near = new NearCache({ maxEntries: 10, maxBytes: 1000, ttlMs: 60_000 });
    near.set('short', Buffer.from('x'), 20);
    near.set('none', Buffer.from('x'), 0);
    expect(near.get('short')).toBeDefined();
    expect(near.get('none')).toBeUndefined();
    await new Promise((r) => setTimeout(r, 40));
    expect(near.get('short')).toBeUndefined();
  });

  it('deletes by prefix and counts hits and misses', () => {
    const near = new NearCache({ maxEntries: 10, maxBytes: 1000, ttlMs: 60_000 });
    near.set('user:1', Buffer.from('a'), 1000);
    near.set('user:2', Buffer.from('b'), 1000);
    near.set('order:1', Buffer.from('c'), 1000);
    near.deletePrefix('user:');
    expect(near.get('user:1')).toBeUndefined();
    expect(near.get('order:1')).toBeDefined();
    expect(near.stats()).toMatchObject({ entries: 1, hits: 1, misses: 1 });
  });
});
