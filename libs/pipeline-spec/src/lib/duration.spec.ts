import { durationProblem, durationToMs, MAX_DURATION_MS } from './duration';

describe('durations', () => {
  it.each([
    ['30s', 30_000],
    ['30m', 1_800_000],
    ['12h', 43_200_000],
    ['1d', 86_400_000],
    ['2w', 1_209_600_000],
  ])('parses %s to %d ms', (text, ms) => {
    expect(durationToMs(text)).toBe(ms);
  });

  it.each(['', '1', 'd', '0d', '01d', '1 d', '1day', '1.5h', '-1h', '1D', '1y', '99999999d'])('refuses %j', (text) => {
    expect(durationProblem(text)).toMatch(/not a duration|longer than/);
    expect(() => durationToMs(text)).toThrow(RangeError);
  });

  it('refuses durations over the maximum', () => {
    expect(durationToMs('3660d')).toBe(MAX_DURATION_MS);
    expect(durationProblem('3661d')).toMatch(/longer than 3660 days/);
  });
});
