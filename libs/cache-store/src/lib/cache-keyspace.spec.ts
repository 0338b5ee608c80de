import { CacheKeyspace, escapeGlob } from './cache-keyspace';

describe('CacheKeyspace', () => {
  const ks = new CacheKeyspace('sluice', 'tenant-a');

  it('puts values, tags and bookkeeping under separate namespaces of the tenant', () => {
    expect(ks.value('user:1')).toBe('sluice:cache:tenant-a:user:1');
    expect(ks.tag('users')).toBe('sluice:cache-tag:tenant-a:users');
    expect(ks.stats).toBe('sluice:cache-stats:tenant-a');
    expect(new Set([ks.stats, ks.index, ks.sizes]).size).toBe(3);
    expect(ks.keyOf(ks.value('user:1'))).toBe('user:1');
  });

  it('scans a prefix literally, even one full of glob characters', () => {
    expect(ks.scanPattern('a*b?[c]\\')).toBe('sluice:cache:tenant-a:a\\*b\\?\\[c\\]\\\\*');
  });
});

describe('escapeGlob', () => {
  it('leaves ordinary characters alone', () => {
    expect(escapeGlob('user:1-x_y.z')).toBe('user:1-x_y.z');
  });
});
