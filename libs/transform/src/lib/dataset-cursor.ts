import { InvalidArgumentError } from '@sluice/contracts';
import { z } from 'zod';

const badCursor = (message = 'is not a cursor this API returned') => new InvalidArgumentError('invalid request', [{ path: 'cursor', message }]);

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

function decode<T>(schema: z.ZodType<T>, cursor: string): T {
  try {
    return schema.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
  } catch {
    throw badCursor();
  }
}

const DatasetsCursor = z.strictObject({ t: z.string().min(1).max(63) });
const RowsCursor = z.strictObject({ v: z.int().positive(), p: z.string().regex(/^\(\d+,\d+\)$/) });

/** Datasets are listed by table name: the cursor is the last name of a page. */
export const encodeDatasetsCursor = (table: string): string => encode({ t: table });
export const decodeDatasetsCursor = (cursor: string): string | undefined => (cursor === '' ? undefined : decode(DatasetsCursor, cursor).t);

/**
 * Rows are listed in physical order (ctid): the cursor holds the last row's position and the
 * version it was read from. A table's next version is a different table (replace) or has moved
 * rows (upsert), so a cursor of another version is refused rather than silently skipping rows.
 */
export interface RowsPosition {
  readonly version: number;
  readonly ctid: string;
}
export const encodeRowsCursor = (position: RowsPosition): string => encode({ v: position.version, p: position.ctid });
export function decodeRowsCursor(cursor: string, currentVersion: number): RowsPosition | undefined {
  if (cursor === '') return undefined;
  const { v, p } = decode(RowsCursor, cursor);
  if (v !== currentVersion) throw badCursor(`the dataset has a newer version (${currentVersion}) than this cursor (${v}); start again without a cursor`);
  return { version: v, ctid: p };
}
