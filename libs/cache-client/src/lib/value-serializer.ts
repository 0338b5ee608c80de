import { deserialize, serialize } from 'node:v8';
import { CacheSerializationError } from './cache-client-errors';

// First byte of what the client stores: a value, or the marker of a cached absence.
const VALUE = 0x01;
const NEGATIVE = 0x02;

export type DecodedEntry<T> = { readonly kind: 'value'; readonly value: T } | { readonly kind: 'negative' };

/** The stored form of "the loader found nothing", cached like a value with its own ttl. */
export const NEGATIVE_ENTRY: Buffer = Buffer.of(NEGATIVE);

/**
 * Values as bytes with the structured-clone algorithm (node:v8): Date, BigInt, Map, Set, RegExp,
 * typed arrays and nested objects round-trip. Functions and symbols are refused with
 * CacheSerializationError; class instances come back as plain objects.
 */
export function encodeEntry(key: string, value: unknown): Buffer {
  if (value === undefined) {
    throw new CacheSerializationError(`value of "${key}" is undefined; delete the key, or let getOrLoad cache an absence`);
  }
  try {
    return Buffer.concat([Buffer.of(VALUE), serialize(value)]);
  } catch (error) {
    throw new CacheSerializationError(`value of "${key}" cannot be cached: ${(error as Error).message}`, error);
  }
}

export function decodeEntry<T>(key: string, bytes: Uint8Array): DecodedEntry<T> {
  if (bytes.length === 1 && bytes[0] === NEGATIVE) return { kind: 'negative' };
  if (bytes.length > 1 && bytes[0] === VALUE) {
    try {
      return { kind: 'value', value: deserialize(bytes.subarray(1)) as T };
    } catch (error) {
      throw new CacheSerializationError(`value of "${key}" is corrupt: ${(error as Error).message}`, error);
    }
  }
  throw new CacheSerializationError(`value of "${key}" was not written by the cache client (marker 0x${(bytes[0] ?? 0).toString(16)})`);
}
