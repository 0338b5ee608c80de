import { isSafeJsonValue, storableText, toStorableJson } from './safe-json';

describe('jsonb-safe values', () => {
  it('accepts ordinary values and refuses NUL characters and lone surrogates anywhere, keys included', () => {
    expect(isSafeJsonValue({ a: ['x', 1, null, { b: 'ü😀' }] })).toBe(true);
    expect(isSafeJsonValue({ a: ['x\u0000'] })).toBe(false);
    expect(isSafeJsonValue({ ['k\ud800']: 1 })).toBe(false);
    expect(isSafeJsonValue('\udc00 alone')).toBe(false);
  });

  it('replaces what jsonb cannot store with U+FFFD and keeps everything else', () => {
    expect(storableText('a\u0000b\ud800c😀')).toBe('a\uFFFDb\uFFFDc😀');
    expect(JSON.parse(toStorableJson({ ['k\u0000']: ['v\udfff', 2], ok: 'fine' }))).toEqual({ ['k\uFFFD']: ['v\uFFFD', 2], ok: 'fine' });
  });
});
