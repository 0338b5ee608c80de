import { trackTimers, type TimerTracker } from '../testing';
import { fullJitterDelay } from './full-jitter';
import { retry } from './retry';
import { planRetry, resolveRetryPolicy, type RetryEvent } from './retry-policy';
import { ResilienceOptionsError } from './resilience-errors';

const transient = (message = 'try again', fields: Record<string, unknown> = {}) => Object.assign(new Error(message), { transient: true }, fields);

describe('fullJitterDelay', () => {
  it('stays within [0, min(cap, base * 2^retry)] for any random value', () => {
    for (let retryIndex = 0; retryIndex < 12; retryIndex++) {
      const ceiling = Math.min(1_000, 50 * 2 ** retryIndex);
      for (let i = 0; i < 200; i++) {
        const delay = fullJitterDelay(retryIndex, 50, 1_000);
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThanOrEqual(ceiling);
      }
    }
  });

  it('spreads over the whole range: the random source maps onto [0, ceiling]', () => {
    expect(fullJitterDelay(3, 100, 10_000, () => 0)).toBe(0);
    expect(fullJitterDelay(3, 100, 10_000, () => 0.5)).toBe(400);
    expect(fullJitterDelay(3, 100, 10_000, () => 0.999)).toBe(799);
    expect(fullJitterDelay(40, 100, 10_000, () => 0.5)).toBe(5_000);
  });
});

describe('planRetry', () => {
  const policy = (overrides = {}) => resolveRetryPolicy({ baseDelayMs: 100, maxDelayMs: 1_000, maxElapsedMs: 10_000, random: () => 0.999, ...overrides });

  it('doubles the jitter ceiling per retry up to the cap', () => {
    const delays = [1, 2, 3, 4, 5, 6].map((attempt) => planRetry(policy({ maxAttempts: 10 }), transient(), attempt, 0));
    expect(delays).toEqual([99, 199, 399, 799, 999, 999].map((delayMs) => ({ retry: true, delayMs })));
  });

  it('waits at least the Retry-After, even when the jitter is smaller', () => {
    expect(planRetry(policy({ random: () => 0 }), transient('429', { retryAfterMs: 300 }), 1, 0)).toEqual({ retry: true, delayMs: 300 });
    expect(planRetry(policy(), transient('429', { retryAfterMs: 10 }), 1, 0)).toEqual({ retry: true, delayMs: 99 });
  });

  it('reads an HTTP-date Retry-After against the injected clock', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    const error = transient('503', { headers: { 'retry-after': 'Thu, 01 Jan 2026 00:00:00 GMT' } });
    expect(planRetry(policy({ now: () => now - 500, random: () => 0 }), error, 1, 0)).toEqual({ retry: true, delayMs: 500 });
  });

  it('gives up when the Retry-After does not fit in the remaining budget or the max delay', () => {
    expect(planRetry(policy({ maxDelayMs: 60_000 }), transient('429', { retryAfterMs: 5_000 }), 1, 6_000)).toEqual({ retry: false, reason: 'retry-after' });
    expect(planRetry(policy(), transient('429', { retryAfterMs: 5_000 }), 1, 0)).toEqual({ retry: false, reason: 'retry-after' });
  });

  it('gives up after the last attempt, on errors shouldRetry refuses, and when the budget is spent', () => {
    expect(planRetry(policy({ maxAttempts: 3 }), transient(), 3, 0)).toEqual({ retry: false, reason: 'attempts' });
    expect(planRetry(policy(), new Error('bug'), 1, 0)).toEqual({ retry: false, reason: 'not-retryable' });
    expect(planRetry(policy(), transient(), 1, 9_950)).toEqual({ retry: false, reason: 'budget' });
  });

  it('refuses options that cannot work', () => {
    expect(() => resolveRetryPolicy({ maxAttempts: 0 })).toThrow(ResilienceOptionsError);
    expect(() => resolveRetryPolicy({ baseDelayMs: 500, maxDelayMs: 100 })).toThrow(ResilienceOptionsError);
    expect(() => resolveRetryPolicy({ maxElapsedMs: 0 })).toThrow(ResilienceOptionsError);
  });
});

describe('retry', () => {
  let timers: TimerTracker | undefined;
  afterEach(() => timers?.restore());

  it('makes at most maxAttempts attempts and rejects with the last error', async () => {
    let calls = 0;
    const errors: Error[] = [];
    const result = retry(
      async () => {
        calls++;
        const error = transient(`failure ${calls}`);
        errors.push(error);
        throw error;
      },
      { maxAttempts: 4, baseDelayMs: 1, maxDelayMs: 5 },
    );
    const rejection: unknown = await result.catch((error: unknown) => error);
    expect(calls).toBe(4);
    expect(rejection).toBe(errors[3]);
  });

  it('returns the first success and passes the attempt number', async () => {
    const attempts: number[] = [];
    const value = await retry(
      async (_signal, attempt) => {
        attempts.push(attempt);
        if (attempt < 3) throw transient();
        return 'ok';
      },
      { maxAttempts: 5, baseDelayMs: 1, maxDelayMs: 5 },
    );
    expect(value).toBe('ok');
    expect(attempts).toEqual([1, 2, 3]);
  });

  it('does not retry errors that are not transient', async () => {
    const bug = new Error('bug');
    const work = jest.fn(async () => Promise.reject(bug));
    await expect(retry(work, { maxAttempts: 5, baseDelayMs: 1 })).rejects.toBe(bug);
    expect(work).toHaveBeenCalledTimes(1);
  });

  it('asks shouldRetry with the error and the attempt number', async () => {
    const seen: [unknown, number][] = [];
    const failure = new Error('custom');
    const work = jest.fn(async () => Promise.reject(failure));
    await expect(
      retry(work, {
        maxAttempts: 5,
        baseDelayMs: 1,
        shouldRetry: (error, attempt) => {
          seen.push([error, attempt]);
          return attempt < 2;
        },
      }),
    ).rejects.toBe(failure);
    expect(seen).toEqual([
      [failure, 1],
      [failure, 2],
    ]);
    expect(work).toHaveBeenCalledTimes(2);
  });

  it('waits the full-jitter delays drawn from the injected random source', async () => {
    const events: RetryEvent[] = [];
    await expect(
      retry(async () => Promise.reject(transient()), { maxAttempts: 4, baseDelayMs: 20, maxDelayMs: 1_000, random: () => 0.5, onRetry: (e) => events.push(e) }),
    ).rejects.toThrow('try again');
    expect(events.map((e) => [e.attempt, e.delayMs])).toEqual([
      [1, 10],
      [2, 20],
      [3, 40],
    ]);
  });

  it('does not start the next attempt before the Retry-After has passed', async () => {
    const startedAt: number[] = [];
    await retry(
      async () => {
        startedAt.push(Date.now());
        if (startedAt.length === 1) throw transient('busy', { retryAfterMs: 200 });
        return 'ok';
      },
      { baseDelayMs: 1, maxDelayMs: 1_000, random: () => 0 },
    );
    expect(startedAt).toHaveLength(2);
    // Loose bound: timers may fire a little early relative to Date.now on some platforms.
    expect(startedAt[1] - startedAt[0]).toBeGreaterThanOrEqual(190);
  });

  it('gives up at once, with the error, when the Retry-After is longer than the remaining budget', async () => {
    const busy = transient('busy', { retryAfterMs: 5_000 });
    const work = jest.fn(async () => Promise.reject(busy));
    const started = Date.now();
    await expect(retry(work, { maxDelayMs: 10_000, maxElapsedMs: 1_000 })).rejects.toBe(busy);
    expect(work).toHaveBeenCalledTimes(1);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('stops retrying when the time budget is spent', async () => {
    let clock = 0;
    const work = jest.fn(async () => {
      clock += 600;
      throw transient();
    });
    await expect(retry(work, { maxAttempts: 10, maxElapsedMs: 1_000, random: () => 0, now: () => clock })).rejects.toThrow('try again');
    expect(work).toHaveBeenCalledTimes(2);
  });

  it('stops waiting as soon as the signal aborts, rejects with its reason and leaves no timer', async () => {
    timers = trackTimers();
    const controller = new AbortController();
    const work = jest.fn(async () => Promise.reject(transient()));
    const result = retry(work, { signal: controller.signal, baseDelayMs: 10_000, maxDelayMs: 10_000, maxElapsedMs: 60_000, random: () => 0.99 });
    await new Promise((r) => setTimeout(r, 20));
    const reason = new Error('shutting down');
    const abortedAt = Date.now();
    controller.abort(reason);
    await expect(result).rejects.toBe(reason);
    expect(Date.now() - abortedAt).toBeLessThan(1_000);
    expect(work).toHaveBeenCalledTimes(1);
    timers.restore();
    expect(timers.pending).toBe(0);
  });

  it('rejects with the abort reason when the signal aborts during an attempt, without retrying', async () => {
    const controller = new AbortController();
    const reason = new Error('cancelled');
    const work = jest.fn(async (signal: AbortSignal) => {
      controller.abort(reason);
      throw Object.assign(new Error('aborted request'), { transient: true, cause: signal.reason });
    });
    await expect(retry(work, { signal: controller.signal, baseDelayMs: 1 })).rejects.toBe(reason);
    expect(work).toHaveBeenCalledTimes(1);
  });

  it('does not call the work when the signal is already aborted', async () => {
    const work = jest.fn(async () => 'x');
    const reason = new Error('gone');
    await expect(retry(work, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(work).not.toHaveBeenCalled();
  });
});
