import { exponentialBackoff, MAX_RETRY_DELAY_MS, retryDelayMs } from './backoff';
import { InvalidConsumerOptionsError } from './messaging-errors';

describe('exponentialBackoff', () => {
  it('grows by the factor from the initial delay and never exceeds the cap', () => {
    expect(exponentialBackoff({ initialMs: 1_000, factor: 2, maxMs: 5_000 }, 5)).toEqual([1_000, 2_000, 4_000, 5_000, 5_000]);
  });

  it('returns at least one delay', () => {
    expect(exponentialBackoff({ initialMs: 100, factor: 3, maxMs: 1_000 }, 0)).toEqual([100]);
  });

  it('rejects a policy that cannot be bounded', () => {
    expect(() => exponentialBackoff({ initialMs: 0, factor: 2, maxMs: 10 }, 3)).toThrow(InvalidConsumerOptionsError);
    expect(() => exponentialBackoff({ initialMs: 100, factor: 0.5, maxMs: 1_000 }, 3)).toThrow(InvalidConsumerOptionsError);
    expect(() => exponentialBackoff({ initialMs: 100, factor: 2, maxMs: 50 }, 3)).toThrow(InvalidConsumerOptionsError);
  });
});

describe('retryDelayMs', () => {
  const delays = [1_000, 4_000, 16_000];

  it('uses the delay of the failed delivery, and the last one for later deliveries', () => {
    const noJitter = () => 0;
    expect(retryDelayMs(1, delays, 0.2, noJitter)).toBe(1_000);
    expect(retryDelayMs(2, delays, 0.2, noJitter)).toBe(4_000);
    expect(retryDelayMs(3, delays, 0.2, noJitter)).toBe(16_000);
    expect(retryDelayMs(9, delays, 0.2, noJitter)).toBe(16_000);
  });

  it('keeps the jittered delay inside [base * (1 - jitter), base]', () => {
    for (let i = 0; i < 1_000; i++) {
      const d = retryDelayMs(2, delays, 0.25);
      expect(d).toBeGreaterThanOrEqual(3_000);
      expect(d).toBeLessThanOrEqual(4_000);
    }
    expect(retryDelayMs(2, delays, 0.25, () => 1)).toBe(3_000);
  });

  it('spreads delays across the jitter range rather than repeating one value', () => {
    const seen = new Set(Array.from({ length: 200 }, () => retryDelayMs(1, [10_000], 0.5)));
    expect(seen.size).toBeGreaterThan(50);
  });

  it('stays bounded whatever the inputs', () => {
    expect(retryDelayMs(0, delays, 0.2, () => 0)).toBe(1_000);
    expect(retryDelayMs(1, [10 * MAX_RETRY_DELAY_MS], 0, () => 0)).toBe(MAX_RETRY_DELAY_MS);
    expect(retryDelayMs(1, [-5], 0.2)).toBe(0);
    expect(retryDelayMs(1, [1_000], 7, () => 5)).toBe(0);
  });

  it('refuses an empty list', () => {
    expect(() => retryDelayMs(1, [])).toThrow(InvalidConsumerOptionsError);
  });
});
