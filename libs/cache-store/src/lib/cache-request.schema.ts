import { parseOrThrow } from '@sluice/contracts';
import { z } from 'zod';

export const MAX_KEY_LENGTH = 512;
export const MAX_TAGS_PER_ENTRY = 16;
/** Most keys or entries in one MGet, MSet or Warm. */
export const MAX_BATCH = 1000;
export const MAX_TTL_MS = 30 * 24 * 60 * 60 * 1000;

export const CacheKey = z
  .string()
  .regex(/^[\x21-\x7e]{1,512}$/, { message: `must be 1-${MAX_KEY_LENGTH} printable ASCII characters without spaces` });

export const CacheTag = z.string().regex(/^[A-Za-z0-9._:/-]{1,128}$/, { message: 'must be 1-128 characters of A-Z a-z 0-9 . _ : / -' });

/** A key prefix to invalidate: like a key, at least one character (an empty prefix would wipe the tenant). */
export const CacheKeyPrefix = CacheKey;

export const TenantId = z.string().regex(/^[A-Za-z0-9-]{1,64}$/, { message: 'must be 1-64 letters, digits or dashes' });

export interface CacheEntryInput {
  readonly key: string;
  readonly value: Uint8Array;
  /** 0 or absent: the store's default */
  readonly ttlMs?: number;
  readonly tags?: readonly string[];
}

export const CacheEntryInput: z.ZodType<CacheEntryInput> = z.object({
  key: CacheKey,
  value: z.custom<Uint8Array>((v) => v instanceof Uint8Array, { message: 'must be bytes' }),
  ttlMs: z.number().int({ message: 'must be an integer' }).min(0).max(MAX_TTL_MS).optional(),
  tags: z.array(CacheTag).max(MAX_TAGS_PER_ENTRY).optional(),
});

export const CacheEntryBatch = z.array(CacheEntryInput).min(1).max(MAX_BATCH);
export const CacheKeyBatch = z.array(CacheKey).min(1).max(MAX_BATCH);

/** Parses or throws InvalidArgumentError with one field violation per bad field. */
export const validate = <S extends z.ZodType>(schema: S, value: unknown, path = ''): z.output<S> => parseOrThrow(schema, value, path);
