import { InvalidArgumentError } from '@sluice/contracts';
import { z } from 'zod';

export interface SchedulePosition {
  readonly createdAt: Date;
  readonly id: string;
}

const Cursor = z.object({ c: z.iso.datetime(), i: z.uuid() });

/** An opaque keyset cursor (newest first): the position of the last schedule of a page. */
export function encodeCursor(position: SchedulePosition): string {
  return Buffer.from(JSON.stringify({ c: position.createdAt.toISOString(), i: position.id })).toString('base64url');
}

/** The position a cursor stands for; a cursor this service did not make is INVALID_ARGUMENT. */
export function decodeCursor(cursor: string): SchedulePosition | undefined {
  if (cursor === '') return undefined;
  try {
    const { c, i } = Cursor.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    return { createdAt: new Date(c), id: i };
  } catch {
    throw new InvalidArgumentError('invalid request', [{ path: 'cursor', message: 'is not a cursor this API returned' }]);
  }
}
