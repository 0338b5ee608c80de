import { z } from 'zod';
import { InvalidArgumentError } from './errors';
import { createdAtCursor, decodeOpaqueCursor, encodeOpaqueCursor, keysetCursor } from './keyset-cursor';

const id = '33333333-3333-4333-8333-333333333333';
const at = new Date('2026-03-01T10:20:30.456Z');
const wire = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

function refusal(decode: () => unknown): unknown {
  try {
    decode();
  } catch (error) {
    return error;
  }
  throw new Error('expected a refusal');
}

describe('keyset cursors', () => {
  it('round-trips a position to the millisecond as an opaque url-safe string', () => {
    const cursor = createdAtCursor.encode({ createdAt: at, id });
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(createdAtCursor.decode(cursor)).toEqual({ createdAt: at, id });
  });

  it('keeps the caller’s name for the time of the position', () => {
    const fetchedAt = keysetCursor('fetchedAt');
    expect(fetchedAt.decode(fetchedAt.encode({ fetchedAt: at, id }))).toEqual({ fetchedAt: at, id });
  });

  it('reads an empty or missing cursor as the first page', () => {
    expect(createdAtCursor.decode('')).toBeUndefined();
    expect(createdAtCursor.decode(undefined)).toBeUndefined();
  });

  it.each([
    ['garbage', 'not-a-cursor'],
    ['base64 of something that is not JSON', Buffer.from('nope').toString('base64url')],
    ['JSON that is not an object', wire(42)],
    ['a position without its id', wire({ c: at.toISOString() })],
    ['an id that is not a UUID', wire({ c: at.toISOString(), i: 'x' })],
    ['a time that is not ISO 8601', wire({ c: 'yesterday', i: id })],
    ['extra keys', wire({ c: at.toISOString(), i: id, t: 'other-tenant' })],
  ])('refuses %s with INVALID_ARGUMENT naming the cursor field', (_what, cursor) => {
    const error = refusal(() => createdAtCursor.decode(cursor));
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as InvalidArgumentError).violations).toEqual([{ path: 'cursor', message: 'is not a cursor this API returned' }]);
  });

  it('points after the last row of a full page only', () => {
    const rows = [
      { createdAt: new Date('2026-03-01T12:00:01Z'), id: 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa' },
      { createdAt: new Date('2026-03-01T12:00:00Z'), id: 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb' },
    ];
    expect(createdAtCursor.decode(createdAtCursor.next(rows, 2))).toEqual(rows[1]);
    expect(createdAtCursor.next(rows, 3)).toBeUndefined();
    expect(createdAtCursor.next([], 1)).toBeUndefined();
  });
});

describe('opaque cursors', () => {
  const Schema = z.strictObject({ t: z.string() });

  it('round-trips any value its schema accepts', () => {
    expect(decodeOpaqueCursor(Schema, encodeOpaqueCursor({ t: 'orders' }))).toEqual({ t: 'orders' });
    expect(decodeOpaqueCursor(Schema, '')).toBeUndefined();
  });

  it('refuses a value of another shape, naming the cursor field', () => {
    const error = refusal(() => decodeOpaqueCursor(Schema, encodeOpaqueCursor({ t: 1 })));
    expect((error as InvalidArgumentError).violations).toEqual([{ path: 'cursor', message: 'is not a cursor this API returned' }]);
  });
});
