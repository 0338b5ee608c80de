import { timestampToIso, toTimestamp } from './timestamps';

describe('timestamps', () => {
  it('round-trips a date with milliseconds', () => {
    const date = new Date('2026-03-29T01:30:00.123Z');
    expect(toTimestamp(date)).toEqual({ seconds: '1774747800', nanos: 123_000_000 });
    expect(timestampToIso(toTimestamp(date))).toBe('2026-03-29T01:30:00.123Z');
  });

  it('handles dates before the epoch', () => {
    const date = new Date('1969-12-31T23:59:59.500Z');
    expect(timestampToIso(toTimestamp(date))).toBe(date.toISOString());
  });

  it('maps an unset timestamp to undefined', () => {
    expect(timestampToIso(undefined)).toBeUndefined();
  });
});
