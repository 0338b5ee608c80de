import { InvalidArgumentError } from '@sluice/contracts';
import { CacheEntryBatch, CacheEntryInput, CacheKey, CacheTag, validate } from './cache-request.schema';

const violations = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidArgumentError);
    return (error as InvalidArgumentError).violations;
  }
  throw new Error('expected InvalidArgumentError');
};

describe('cache request validation', () => {
  it('accepts printable ASCII keys and rejects spaces, empty and overlong keys', () => {
    expect(CacheKey.safeParse('user:1/a?b').success).toBe(true);
    for (const bad of ['', 'a b', 'é', 'x'.repeat(513), 'tab\t']) expect(CacheKey.safeParse(bad).success).toBe(false);
  });

  it('accepts simple tags and rejects wildcard-like ones', () => {
    expect(CacheTag.safeParse('users:42').success).toBe(true);
    for (const bad of ['', 'a*', 'a b', 'x'.repeat(129)]) expect(CacheTag.safeParse(bad).success).toBe(false);
  });

  it('names each offending field of an entry', () => {
    const v = violations(() => validate(CacheEntryInput, { key: 'a b', value: new Uint8Array(1), ttlMs: -1, tags: ['ok', 'no*'] }));
    expect(v.map((x) => x.path).sort()).toEqual(['key', 'tags.1', 'ttlMs']);
    expect(v.find((x) => x.path === 'key')?.message).toMatch(/printable ASCII/);
  });

  it('paths batch violations by entry index', () => {
    const v = violations(() => validate(CacheEntryBatch, [{ key: 'ok', value: new Uint8Array(1) }, { key: '', value: new Uint8Array(1) }], 'entries'));
    expect(v).toEqual([{ path: 'entries.1.key', message: expect.stringMatching(/printable ASCII/) }]);
  });

  it('refuses a ttl beyond 30 days and a non-integer ttl', () => {
    expect(violations(() => validate(CacheEntryInput, { key: 'k', value: new Uint8Array(0), ttlMs: 31 * 86_400_000 }))[0].path).toBe('ttlMs');
    expect(violations(() => validate(CacheEntryInput, { key: 'k', value: new Uint8Array(0), ttlMs: 1.5 }))[0].path).toBe('ttlMs');
  });
});
