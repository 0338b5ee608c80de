import { InvalidLockArgumentError } from './lock-errors';
import { assertRetryPolicy, DEFAULT_RETRY, extendIntervalMs, MIN_RETRY_DELAY_MS, nextAttemptDelayMs, retryDelayMs, safeLeaseMs } from './lock-timing';

const policy = { initialMs: 10, factor: 2, maxMs: 250 };

describe('retryDelayMs', () => {
  it('grows exponentially from initialMs and never passes maxMs', () => {
    const top = () => 1;
    expect([1, 2, 3, 4, 5, 6, 7].map((attempt) => retryDelayMs(attempt, policy, top))).toEqual([10, 20, 40, 80, 160, 250, 250]);
    expect(retryDelayMs(1_000_000, policy, top)).toBe(250);
  });

  it('jitters within [base / 2, base] for any random value', () => {
    for (let attempt = 1; attempt <= 12; attempt++) {
      const base = Math.min(policy.maxMs, policy.initialMs * 2 ** (attempt - 1));
      for (const r of [0, 0.1, 0.5, 0.999, 1, -3, 7]) {
        const delay = retryDelayMs(attempt, policy, () => r);
        expect(delay).toBeGreaterThanOrEqual(Math.floor(base / 2));
        expect(delay).toBeLessThanOrEqual(base);
      }
    }
  });

  it('spreads waiters that failed together', () => {
    const delays = new Set(Array.from({ length: 50 }, () => retryDelayMs(6, policy)));
    expect(delays.size).toBeGreaterThan(10);
  });

  it('never returns less than the minimum delay, so a waiter cannot spin', () => {
    expect(retryDelayMs(1, { initialMs: 1, factor: 1, maxMs: 1 }, () => 0)).toBe(MIN_RETRY_DELAY_MS);
    expect(retryDelayMs(0, policy, () => 0)).toBe(5);
    expect(retryDelayMs(-5, policy, () => 0)).toBe(5);
  });
});

describe('nextAttemptDelayMs', () => {
  const base = { attempt: 6, policy, random: () => 1 };

  it('retries just after the holder lease would end when that is sooner than the backoff', () => {
    expect(nextAttemptDelayMs({ ...base, holderTtlMs: 30, remainingMs: 10_000 })).toBe(31);
  });

  it('ignores an unknown holder TTL', () => {
    expect(nextAttemptDelayMs({ ...base, holderTtlMs: -1, remainingMs: 10_000 })).toBe(250);
  });

  it('makes the last attempt at the acquire deadline, not after it', () => {
    expect(nextAttemptDelayMs({ ...base, holderTtlMs: 5_000, remainingMs: 42.2 })).toBe(43);
  });

  it('waits at least the minimum delay even at the deadline or when the holder is about to expire', () => {
    expect(nextAttemptDelayMs({ ...base, holderTtlMs: 0, remainingMs: 0.01 })).toBe(1);
    expect(nextAttemptDelayMs({ ...base, holderTtlMs: 5_000, remainingMs: -10 })).toBe(MIN_RETRY_DELAY_MS);
  });
});

describe('lease timing', () => {
  it('trusts a lease for less than its TTL (clock drift and timer margin)', () => {
    expect(safeLeaseMs(30_000)).toBe(30_000 - 300 - 2);
    expect(safeLeaseMs(100)).toBe(97);
    expect(safeLeaseMs(1)).toBe(0);
  });

  it('extends every third of the TTL', () => {
    expect(extendIntervalMs(30_000)).toBe(10_000);
    expect(extendIntervalMs(100)).toBe(33);
  });
});

describe('assertRetryPolicy', () => {
  it('accepts the default policy', () => {
    expect(() => assertRetryPolicy(DEFAULT_RETRY)).not.toThrow();
  });

  it.each([
    { initialMs: 0, factor: 2, maxMs: 10 },
    { initialMs: 10, factor: 0.5, maxMs: 10 },
    { initialMs: 10, factor: 2, maxMs: 5 },
    { initialMs: 10, factor: 2, maxMs: Infinity },
    { initialMs: Number.NaN, factor: 2, maxMs: 10 },
  ])('rejects %o', (bad) => {
    expect(() => assertRetryPolicy(bad)).toThrow(InvalidLockArgumentError);
  });
});
