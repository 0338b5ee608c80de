import { InvalidArgumentError } from '@sluice/contracts';
import { z } from 'zod';

/** `?limit=` (default 50, max 500) and an opaque `?cursor=` (API.md, Conventions). */
export const ListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(200).optional(),
});

export interface KeysetPosition {
  readonly createdAt: Date;
  readonly id: string;
}

const Cursor = z.object({ c: z.iso.datetime(), i: z.uuid() });

/** The position after which the next page starts; a cursor this API did not make is a 400. */
export function decodeCursor(cursor: string | undefined): KeysetPosition | undefined {
  if (cursor === undefined) return undefined;
  try {
    const { c, i } = Cursor.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    return { createdAt: new Date(c), id: i };
  } catch {
    throw new InvalidArgumentError('invalid request', [{ path: 'cursor', message: 'is not a cursor this API returned' }]);
  }
}

/** `{ items, nextCursor }`: a cursor only when the page was full. */
export function page<T, R>(rows: readonly (T & KeysetPosition)[], limit: number, view: (row: T & KeysetPosition) => R) {
  const last = rows.length === limit ? rows[rows.length - 1] : undefined;
  return {
    items: rows.map(view),
    nextCursor: last ? Buffer.from(JSON.stringify({ c: last.createdAt.toISOString(), i: last.id })).toString('base64url') : null,
  };
}
