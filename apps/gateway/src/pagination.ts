import { createdAtCursor, type KeysetPosition } from '@sluice/contracts';
import { z } from 'zod';

/** `?limit=` (default 50, max 500) and an opaque `?cursor=` (API.md, Conventions). */
export const ListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(200).optional(),
});

/** `{ items, nextCursor }`: a cursor only when the page was full. */
export function page<T, R>(rows: readonly (T & KeysetPosition)[], limit: number, view: (row: T & KeysetPosition) => R) {
  return { items: rows.map(view), nextCursor: createdAtCursor.next(rows, limit) ?? null };
}
