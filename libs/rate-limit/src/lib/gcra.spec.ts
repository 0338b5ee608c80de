import { decideGcra } from './gcra';

const params = { intervalMs: 100, burst: 5 }; // 10 per second, bursts of 5

function run(times: number[], cost = 1, p = params) {
  let tat: number | undefined;
  return times.map((now) => {
    const step = decideGcra(tat, now, p, cost);
    tat = step.tat;
    return step.decision;
  });
}

describe('decideGcra', () => {
  it('admits a full burst at once, then refuses with the exact time until one unit is back', () => {
    const decisions = run([0, 0, 0, 0, 0, 0]);
    expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, true, true, false]);
    expect(decisions.map((d) => d.remaining)).toEqual([4, 3, 2, 1, 0, 0]);
    expect(decisions[5]).toEqual({ allowed: false, remaining: 0, retryAfterMs: 100, resetAfterMs: 500 });
  });

  it('admits the refused request exactly at its retry time and not a millisecond before', () => {
    let tat: number | undefined;
    for (let i = 0; i < 5; i++) tat = decideGcra(tat, 1_000, params, 1).tat;
    const refused = decideGcra(tat, 1_000, params, 1).decision;
    expect(decideGcra(tat, 1_000 + refused.retryAfterMs - 1, params, 1).decision.allowed).toBe(false);
    expect(decideGcra(tat, 1_000 + refused.retryAfterMs, params, 1).decision.allowed).toBe(true);
  });

  it('reserves a request that fits within the reservation window for its exact time, in arrival order', () => {
    const p = { intervalMs: 100, burst: 1 };
    let tat = decideGcra(undefined, 0, p, 1).tat;
    const admitted: number[] = [];
    for (let i = 0; i < 3; i++) {
      const step = decideGcra(tat, 10, p, 1, 1_000);
      expect(step.decision).toMatchObject({ allowed: true, remaining: 0 });
      expect(step.decision.retryAfterMs).toBe(Math.ceil(step.admittedAtMs - 10));
      admitted.push(step.admittedAtMs);
      tat = step.tat;
    }
    expect(admitted).toEqual([100, 200, 300]);
    // beyond the window it is refused as before, and reserves nothing
    const refused = decideGcra(tat, 10, p, 1, 100);
    expect(refused.decision).toMatchObject({ allowed: false, retryAfterMs: 390 });
    expect(refused.tat).toBe(tat);
    // without a window, a plain decision
    expect(decideGcra(tat, 10, p, 1).decision.allowed).toBe(false);
  });

  it('holds a steady rate of limit per period once the burst is spent', () => {
    // one request every 10 ms for 2 s: 5 (burst) + 20 (2 s at 10/s) admitted
    const times = Array.from({ length: 200 }, (_, i) => i * 10);
    const admitted = run(times).filter((d) => d.allowed).length;
    expect(admitted).toBeGreaterThanOrEqual(24);
    expect(admitted).toBeLessThanOrEqual(25);
  });

  it('charges cost units at once and refuses a cost the bucket cannot hold yet', () => {
    const [first, second, third] = run([0, 0, 0], 2);
    expect(first).toMatchObject({ allowed: true, remaining: 3 });
    expect(second).toMatchObject({ allowed: true, remaining: 1 });
    // 1 unit left, 2 needed: one more unit comes back after 100 ms
    expect(third).toMatchObject({ allowed: false, remaining: 1, retryAfterMs: 100 });
  });

  it('refills to the full burst after burst × interval of silence', () => {
    const decisions = run([0, 0, 0, 0, 0, 500, 500, 500, 500, 500, 500]);
    expect(decisions.slice(5).map((d) => d.allowed)).toEqual([true, true, true, true, true, false]);
    expect(decisions[4].resetAfterMs).toBe(500);
  });

  it('keeps exact counts with a fractional interval at epoch-sized clock values', () => {
    const now = 1_785_000_000_123.456;
    const p = { intervalMs: 1000 / 3, burst: 3 };
    const decisions = run([now, now, now, now], 1, p);
    expect(decisions.map((d) => d.remaining)).toEqual([2, 1, 0, 0]);
    expect(decisions[3]).toMatchObject({ allowed: false, retryAfterMs: 334 });
  });
});
