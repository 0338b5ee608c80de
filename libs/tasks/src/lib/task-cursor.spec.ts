import { InvalidArgumentError } from '@sluice/contracts';
import { decodeTaskCursor, encodeTaskCursor } from './task-cursor';

describe('task cursor', () => {
  const position = { createdAt: new Date('2026-03-01T10:20:30.456Z'), id: '33333333-3333-4333-8333-333333333333' };

  it('round-trips a position, keeping milliseconds', () => {
    expect(decodeTaskCursor(encodeTaskCursor(position))).toEqual(position);
  });

  it('reads an empty cursor as the first page', () => {
    expect(decodeTaskCursor('')).toBeUndefined();
  });

  it.each([
    ['not base64 JSON', 'abc'],
    ['JSON of another shape', Buffer.from(JSON.stringify({ c: '2026-03-01T10:20:30.456Z' })).toString('base64url')],
    ['an id that is not a UUID', Buffer.from(JSON.stringify({ c: '2026-03-01T10:20:30.456Z', i: 'x' })).toString('base64url')],
  ])('refuses %s, naming the cursor field', (_what, cursor) => {
    expect(() => decodeTaskCursor(cursor)).toThrow(InvalidArgumentError);
    try {
      decodeTaskCursor(cursor);
    } catch (error) {
      expect((error as InvalidArgumentError).violations).toEqual([{ path: 'cursor', message: 'is not a cursor this API returned' }]);
    }
  });
});
