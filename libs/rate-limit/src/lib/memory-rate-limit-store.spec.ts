import { MemoryRateLimitStore } from './memory-rate-limit-store';
import { resolvePolicy } from './rate-limit-policy';

const gcra = resolvePolicy({ algorithm: 'gcra', limit: 10, periodMs: 1_000 });
const window = resolvePolicy({ algorithm: 'sliding-window', limit: 10, periodMs: 1_000 });

describe('MemoryRateLimitStore', () => {
  let now = 1_000_000;
  const store = (over: Partial<ConstructorParameters<typeof MemoryRateLimitStore>[0]> = {}) =>
    new MemoryRateLimitStore({ maxKeys: 100, maxEntries: 10_000, expectedReplicas: 1, now: () => now, ...over });

  it.each([gcra, window])('limits one key with the %s algorithm', (policy) => {
    const s = store();
    const allowed = Array.from({ length: 15 }, () => s.decide(policy, 'k', 1)).filter((d) => d.allowed).length;
    expect(allowed).toBe(10);
    now += 1_000;
    expect(s.decide(policy, 'k', 1).allowed).toBe(true);
  });

  it('never remembers more than maxKeys keys', () => {
    const s = store({ maxKeys: 50 });
    for (let i = 0; i < 1_000; i++) s.decide(i % 2 ? gcra : window, `key-${i}`, 1);
    expect(s.size).toBeLessThanOrEqual(50);
  });

  it('keeps the sliding-window entries of all keys within maxEntries', () => {
    const s = store({ maxKeys: 10_000, maxEntries: 10_000 });
    for (let i = 0; i < 3_000; i++) for (let j = 0; j < 10; j++) s.decide(window, `key-${i}`, 1);
    expect(s.size).toBeLessThanOrEqual(1_000);
  });

  it('admits only its share of the limit when replicas are expected to share it', () => {
    const s = store({ expectedReplicas: 4 });
    const decisions = Array.from({ length: 10 }, () => s.decide(window, 'k', 1));
    expect(decisions.filter((d) => d.allowed)).toHaveLength(3); // ceil(10 / 4)
    expect(decisions[0].limit).toBe(3);
  });

  it('forgets a key once it is full again', () => {
    const s = store();
    s.decide(gcra, 'k', 1);
    expect(s.size).toBe(1);
    now += 60_000;
    expect(s.decide(gcra, 'k', 10).allowed).toBe(true);
  });
});
