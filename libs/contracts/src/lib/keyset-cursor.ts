import { z } from 'zod';
import { InvalidArgumentError } from './errors';

/** The 400 / INVALID_ARGUMENT for a list cursor, naming the `cursor` field. */
export const invalidCursor = (message = 'is not a cursor this API returned'): InvalidArgumentError =>
  new InvalidArgumentError('invalid request', [{ path: 'cursor', message }]);

/** An opaque cursor: `value` as base64url JSON. */
export const encodeOpaqueCursor = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** What `encodeOpaqueCursor` wrapped (undefined for '' or no cursor, i.e. the first page); anything else is `invalidCursor()`. */
export function decodeOpaqueCursor<T>(schema: z.ZodType<T>, cursor: string | undefined): T | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  try {
    return schema.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
  } catch {
    throw invalidCursor();
  }
}

/** Where a keyset page ends: the last row's time in the list order (`field`) and its id as tie-breaker. */
export type KeysetPosition<K extends string = 'createdAt'> = { readonly [key in K]: Date } & { readonly id: string };

export interface KeysetCursor<K extends string> {
  /** An opaque cursor for the page after `position`. */
  encode(position: KeysetPosition<K>): string;
  /** The position a cursor stands for (undefined for '' or no cursor); a cursor this API did not make is `invalidCursor()`. */
  decode(cursor: string | undefined): KeysetPosition<K> | undefined;
  /** The cursor after the last row of a full page; undefined when the page was not full (the last page). */
  next(rows: readonly KeysetPosition<K>[], limit: number): string | undefined;
}

const Wire = z.strictObject({ c: z.iso.datetime(), i: z.uuid() });

/** A (time, uuid) keyset cursor whose position names its time `field` (createdAt, fetchedAt, ...). */
export function keysetCursor<K extends string>(field: K): KeysetCursor<K> {
  const encode = (position: KeysetPosition<K>): string => encodeOpaqueCursor({ c: position[field].toISOString(), i: position.id });
  return {
    encode,
    decode(cursor) {
      const wire = decodeOpaqueCursor(Wire, cursor);
      return wire && ({ [field]: new Date(wire.c), id: wire.i } as KeysetPosition<K>);
    },
    next(rows, limit) {
      const last = rows.length === limit ? rows[rows.length - 1] : undefined;
      return last && encode(last);
    },
  };
}

/** The cursor of lists ordered by creation time, the common case. */
export const createdAtCursor = keysetCursor('createdAt');
