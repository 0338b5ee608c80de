import { jitteredTtlMs } from './ttl-jitter';

describe('jitteredTtlMs', () => {
  it('stays within ±jitter of the asked ttl at both extremes', () => {
    expect(jitteredTtlMs(10_000, 0.1, () => 0)).toBe(9_000);
    expect(jitteredTtlMs(10_000, 0.1, () => 0.999_999)).toBe(11_000);
    expect(jitteredTtlMs(10_000, 0.1, () => 0.5)).toBe(10_000);
  });

  it('spreads many entries over the window instead of one instant', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const ttls = new Set(Array.from({ length: 200 }, () => jitteredTtlMs(60_000, 0.1, random)));
    expect(ttls.size).toBeGreaterThan(150);
    for (const ttl of ttls) {
      expect(ttl).toBeGreaterThanOrEqual(54_000);
      expect(ttl).toBeLessThanOrEqual(66_000);
    }
  });

  it('never gives Redis a ttl below 1 ms', () => {
    expect(jitteredTtlMs(1, 0.5, () => 0)).toBe(1);
  });
});
