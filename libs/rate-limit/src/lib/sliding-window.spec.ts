import { decideSlidingWindow } from './sliding-window';

const params = { limit: 3, periodMs: 1_000 };

describe('decideSlidingWindow', () => {
  it('admits limit units, then refuses until the oldest one leaves the window', () => {
    const log: number[] = [];
    const at = (now: number, cost = 1) => decideSlidingWindow(log, now, params, cost);
    expect([at(0), at(100), at(200)].map((d) => d.remaining)).toEqual([2, 1, 0]);
    expect(at(300)).toEqual({ allowed: false, remaining: 0, retryAfterMs: 700, resetAfterMs: 900 });
    expect(at(999).allowed).toBe(false);
    expect(at(1_000)).toMatchObject({ allowed: true, remaining: 0 });
    expect(log).toEqual([100, 200, 1_000]);
  });

  it('never holds more than limit entries in any window of periodMs', () => {
    const log: number[] = [];
    const admitted: number[] = [];
    for (let now = 0; now < 5_000; now += 7) if (decideSlidingWindow(log, now, params, 1).allowed) admitted.push(now);
    for (let i = 0; i + params.limit < admitted.length; i++) expect(admitted[i + params.limit] - admitted[i]).toBeGreaterThanOrEqual(params.periodMs);
    expect(log.length).toBeLessThanOrEqual(params.limit);
  });

  it('waits for as many old entries as a costly request needs', () => {
    const log: number[] = [];
    decideSlidingWindow(log, 0, params, 1);
    decideSlidingWindow(log, 100, params, 1);
    decideSlidingWindow(log, 200, params, 1);
    // cost 2 needs the two oldest gone: the entry of t=100 leaves at 1100
    expect(decideSlidingWindow(log, 500, params, 2)).toMatchObject({ allowed: false, retryAfterMs: 600 });
    expect(decideSlidingWindow(log, 1_100, params, 2)).toMatchObject({ allowed: true, remaining: 0 });
  });
});
