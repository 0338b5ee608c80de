import { InvalidArgumentError } from '@sluice/contracts';
import type { RunPosition, RunRecord } from '@sluice/pipeline-runs';
import { z } from 'zod';

const Cursor = z.object({ c: z.iso.datetime(), i: z.uuid() });

/** The position after which the next page starts; a cursor this service did not make is INVALID_ARGUMENT. */
export function decodeRunCursor(cursor: string): RunPosition | undefined {
  if (!cursor) return undefined;
  try {
    const { c, i } = Cursor.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    return { createdAt: new Date(c), id: i };
  } catch {
    throw new InvalidArgumentError('invalid request', [{ path: 'cursor', message: 'is not a cursor this API returned' }]);
  }
}

/** A cursor after the last run of a full page; '' when the page was not full. */
export function nextRunCursor(runs: readonly RunRecord[], limit: number): string {
  const last = runs.length === limit ? runs[runs.length - 1] : undefined;
  return last ? Buffer.from(JSON.stringify({ c: last.createdAt.toISOString(), i: last.id })).toString('base64url') : '';
}
