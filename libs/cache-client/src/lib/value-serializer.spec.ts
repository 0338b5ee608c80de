import { types } from 'node:util';
import { CacheSerializationError } from './cache-client-errors';
import { decodeEntry, encodeEntry, NEGATIVE_ENTRY } from './value-serializer';

const roundTrip = <T>(value: T) => decodeEntry<T>('k', encodeEntry('k', value));

describe('value serializer', () => {
  it('round-trips Date, BigInt, Map, Set and nested objects', () => {
    const value = {
      at: new Date('2024-05-06T07:08:09.010Z'),
      big: 12345678901234567890n,
      byId: new Map<string, { tags: Set<string> }>([['a', { tags: new Set(['x', 'y']) }]]),
      nested: { list: [1, 'two', null, { three: 3 }], re: /ab+c/gi, bytes: new Uint8Array([1, 2, 3]) },
    };
    const decoded = roundTrip(value);
    expect(decoded).toEqual({ kind: 'value', value });
    if (decoded.kind !== 'value') throw new Error('unreachable');
    // types.isDate/isSet: node:v8 builds objects in Node's realm, not in Jest's sandbox.
    expect(types.isDate(decoded.value.at)).toBe(true);
    expect(types.isSet(decoded.value.byId.get('a')?.tags)).toBe(true);
    expect(typeof decoded.value.big).toBe('bigint');
  });

  it('round-trips falsy values, which are values and not misses', () => {
    for (const v of [0, '', false, null, Number.NaN]) expect(roundTrip(v)).toEqual({ kind: 'value', value: v });
  });

  it('refuses a function, a symbol and undefined with a typed error naming the key', () => {
    expect(() => encodeEntry('fn', { f: () => 1 })).toThrow(CacheSerializationError);
    expect(() => encodeEntry('fn', { f: () => 1 })).toThrow(/"fn" cannot be cached/);
    expect(() => encodeEntry('sym', Symbol('s'))).toThrow(CacheSerializationError);
    expect(() => encodeEntry('u', undefined)).toThrow(/undefined/);
  });

  it('decodes the negative marker as a cached absence', () => {
    expect(decodeEntry('k', NEGATIVE_ENTRY)).toEqual({ kind: 'negative' });
  });

  it('refuses bytes it did not write instead of returning a miss', () => {
    expect(() => decodeEntry('k', Buffer.from('plain text'))).toThrow(/not written by the cache client/);
    expect(() => decodeEntry('k', Buffer.of(0x01, 0xff, 0x00))).toThrow(CacheSerializationError);
  });
});
