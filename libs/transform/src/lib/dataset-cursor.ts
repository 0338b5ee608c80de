import { decodeOpaqueCursor, encodeOpaqueCursor, invalidCursor } from '@sluice/contracts';
import { z } from 'zod';

const DatasetsCursor = z.strictObject({ t: z.string().min(1).max(63) });
const RowsCursor = z.strictObject({ v: z.int().positive(), p: z.string().regex(/^\(\d+,\d+\)$/) });

/** Datasets are listed by table name: the cursor is the last name of a page. */
export const encodeDatasetsCursor = (table: string): string => encodeOpaqueCursor({ t: table });
export const decodeDatasetsCursor = (cursor: string): string | undefined => decodeOpaqueCursor(DatasetsCursor, cursor)?.t;

/**
 * Rows are listed in physical order (ctid): the cursor holds the last row's position and the
 * version it was read from. A table's next version is a different table (replace) or has moved
 * rows (upsert), so a cursor of another version is refused rather than silently skipping rows.
 */
export interface RowsPosition {
  readonly version: number;
  readonly ctid: string;
}
export const encodeRowsCursor = (position: RowsPosition): string => encodeOpaqueCursor({ v: position.version, p: position.ctid });
export function decodeRowsCursor(cursor: string, currentVersion: number): RowsPosition | undefined {
  const wire = decodeOpaqueCursor(RowsCursor, cursor);
  if (!wire) return undefined;
  const { v, p } = wire;
  if (v !== currentVersion) throw invalidCursor(`the dataset has a newer version (${currentVersion}) than this cursor (${v}); start again without a cursor`);
  return { version: v, ctid: p };
}
