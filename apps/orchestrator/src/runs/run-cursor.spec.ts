import type { RunRecord } from '@sluice/pipeline-runs';
import { decodeRunCursor, nextRunCursor } from './run-cursor';

const run = (id: string, createdAt: string) => ({ id, createdAt: new Date(createdAt) }) as RunRecord;

describe('run cursors', () => {
  it('points after the last run of a full page and reads back to that position', () => {
    const page = [run('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', '2026-03-01T12:00:01Z'), run('bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb', '2026-03-01T12:00:00Z')];
    const cursor = nextRunCursor(page, 2);
    expect(decodeRunCursor(cursor)).toEqual({ id: 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb', createdAt: new Date('2026-03-01T12:00:00Z') });
    expect(nextRunCursor(page, 3)).toBe('');
    expect(decodeRunCursor('')).toBeUndefined();
  });

  it('refuses a cursor it did not make, naming the field', () => {
    expect(() => decodeRunCursor('not-a-cursor')).toThrow(expect.objectContaining({ violations: [{ path: 'cursor', message: 'is not a cursor this API returned' }] }));
  });
});
