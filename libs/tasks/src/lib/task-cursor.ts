import { InvalidArgumentError } from '@sluice/contracts';
import { z } from 'zod';

/** Where a page of tasks ends (newest first): the last task's creation time and id. */
export interface TaskPosition {
  readonly createdAt: Date;
  readonly id: string;
}

const Cursor = z.strictObject({ c: z.iso.datetime(), i: z.uuid() });

/** An opaque keyset cursor for the page after `position`. */
export function encodeTaskCursor(position: TaskPosition): string {
  return Buffer.from(JSON.stringify({ c: position.createdAt.toISOString(), i: position.id })).toString('base64url');
}

/** The position a cursor stands for (undefined for ''); a cursor this service did not make is INVALID_ARGUMENT. */
export function decodeTaskCursor(cursor: string): TaskPosition | undefined {
  if (cursor === '') return undefined;
  try {
    const { c, i } = Cursor.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    return { createdAt: new Date(c), id: i };
  } catch {
    throw new InvalidArgumentError('invalid request', [{ path: 'cursor', message: 'is not a cursor this API returned' }]);
  }
}
