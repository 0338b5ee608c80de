import { InvalidArgumentError } from '@sluice/contracts';
import { decodePageCursor, encodePageCursor } from './page-cursor';

describe('page cursors', () => {
  it('round-trips a position to the millisecond', () => {
    const position = { fetchedAt: new Date('2026-01-02T03:04:05.678Z'), id: '5d0c1a52-55a3-4b7e-9a39-0f0b4b6f2b1e' };
    const cursor = encodePageCursor(position);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodePageCursor(cursor)).toEqual(position);
  });

  it('treats the empty cursor as the start', () => {
    expect(decodePageCursor('')).toBeUndefined();
  });

  it('refuses a cursor it did not make, naming the field', () => {
    for (const bad of ['nope', Buffer.from('{"f":"x","i":"y"}').toString('base64url')]) {
      try {
        decodePageCursor(bad);
        throw new Error('expected a refusal');
      } catch (error) {
        expect(error).toBeInstanceOf(InvalidArgumentError);
        expect((error as InvalidArgumentError).violations).toEqual([{ path: 'cursor', message: 'is not a cursor this API returned' }]);
      }
    }
  });
});
