import { InvalidArgumentError } from '@sluice/contracts';
import { z } from 'zod';

export interface PagePosition {
  readonly fetchedAt: Date;
  readonly id: string;
}

const Cursor = z.object({ f: z.iso.datetime(), i: z.uuid() });

/** An opaque keyset cursor (oldest first): the position of the last page of a list page. */
export function encodePageCursor(position: PagePosition): string {
  return Buffer.from(JSON.stringify({ f: position.fetchedAt.toISOString(), i: position.id })).toString('base64url');
}

/** The position a cursor stands for ('' = the start); a cursor this service did not make is INVALID_ARGUMENT. */
export function decodePageCursor(cursor: string): PagePosition | undefined {
  if (cursor === '') return undefined;
  try {
    const { f, i } = Cursor.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    return { fetchedAt: new Date(f), id: i };
  } catch {
    throw new InvalidArgumentError('invalid request', [{ path: 'cursor', message: 'is not a cursor this API returned' }]);
  }
}
