import { InvalidArgumentError } from '@sluice/contracts';
import { InvalidRateLimitError } from './rate-limit-errors';
import { assertCost, resolvePolicy, type RateLimitPolicy } from './rate-limit-policy';

const violations = (policy: unknown): string[] => {
  try {
    resolvePolicy(policy as RateLimitPolicy);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidRateLimitError);
    expect(error).toBeInstanceOf(InvalidArgumentError);
    return (error as InvalidRateLimitError).violations.map((v) => v.path);
  }
  throw new Error('expected the policy to be refused');
};

describe('resolvePolicy', () => {
  it('fills in the name and a burst equal to the limit', () => {
    expect(resolvePolicy({ algorithm: 'gcra', limit: 10, periodMs: 1_000 })).toEqual({ algorithm: 'gcra', name: 'default', limit: 10, periodMs: 1_000, burst: 10 });
    expect(resolvePolicy({ algorithm: 'sliding-window', name: 'search', limit: 5, periodMs: 60_000 })).toEqual({ algorithm: 'sliding-window', name: 'search', limit: 5, periodMs: 60_000 });
  });

  it.each([
    [{ algorithm: 'gcra', limit: 0, periodMs: 1_000 }, 'policy.limit'],
    [{ algorithm: 'gcra', limit: 1.5, periodMs: 1_000 }, 'policy.limit'],
    [{ algorithm: 'gcra', limit: 10, periodMs: 0 }, 'policy.periodMs'],
    [{ algorithm: 'gcra', limit: 10, periodMs: -5 }, 'policy.periodMs'],
    [{ algorithm: 'gcra', limit: 10, periodMs: 1_000, burst: 0 }, 'policy.burst'],
    [{ algorithm: 'gcra', limit: 10_000, periodMs: 1 }, 'policy.limit'],
    [{ algorithm: 'sliding-window', limit: 20_000, periodMs: 1_000 }, 'policy.limit'],
    [{ algorithm: 'gcra', name: 'has space', limit: 1, periodMs: 1_000 }, 'policy.name'],
    [{ algorithm: 'leaky', limit: 1, periodMs: 1_000 }, 'policy.algorithm'],
  ])('refuses %j naming %s', (policy, path) => {
    expect(violations(policy)).toContain(path);
  });
});

describe('assertCost', () => {
  const gcra = resolvePolicy({ algorithm: 'gcra', limit: 10, periodMs: 1_000, burst: 4 });
  const window = resolvePolicy({ algorithm: 'sliding-window', limit: 10, periodMs: 1_000 });

  it('accepts whole costs up to what the policy can ever admit at once', () => {
    expect(() => assertCost(gcra, 4)).not.toThrow();
    expect(() => assertCost(window, 10)).not.toThrow();
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses cost %p', (cost) => {
    expect(() => assertCost(window, cost)).toThrow(InvalidRateLimitError);
  });

  it('refuses a cost above the limit, or above the burst for gcra', () => {
    expect(() => assertCost(window, 11)).toThrow(/from 1 to 10/);
    expect(() => assertCost(gcra, 5)).toThrow(/from 1 to 4/);
  });
});
