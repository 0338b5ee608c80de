import { LRUCache } from 'lru-cache';
import { decideGcra } from './gcra';
import type { ResolvedPolicy } from './rate-limit-policy';
import type { StoreDecision } from './redis-rate-limit-store';
import { decideSlidingWindow } from './sliding-window';

export interface MemoryRateLimitStoreOptions {
  /** Most keys held; the least recently used are forgotten first. */
  readonly maxKeys: number;
  /** Most sliding-window log entries held over all keys (a GCRA key counts as one). */
  readonly maxEntries: number;
  /** Each process admits `ceil(limit / expectedReplicas)`, so N replicas together stay near the limit. */
  readonly expectedReplicas: number;
  /** Epoch milliseconds that never go backwards; tests pass their own. */
  readonly now?: () => number;
}

type KeyState = { tat: number } | { log: number[] };

const monotonicEpochMs = (): number => performance.timeOrigin + performance.now();

/**
 * The same algorithms in process memory, for while Redis is unreachable. Memory is bounded by
 * `maxKeys` and `maxEntries`; a forgotten key starts full again, which is the price of the bound.
 */
export class MemoryRateLimitStore {
  private readonly states: LRUCache<string, KeyState>;
  private readonly now: () => number;

  constructor(private readonly options: MemoryRateLimitStoreOptions) {
    this.now = options.now ?? monotonicEpochMs;
    this.states = new LRUCache<string, KeyState>({
      max: options.maxKeys,
      maxSize: options.maxEntries,
      sizeCalculation: (state) => ('log' in state ? Math.max(state.log.length, 1) : 1),
    });
  }

  get size(): number {
    return this.states.size;
  }

  /** `reserveUpToMs` > 0 (GCRA only): admit for later rather than refuse, up to that far ahead. */
  decide(policy: ResolvedPolicy, identity: string, cost: number, reserveUpToMs = 0): StoreDecision {
    const share = (n: number) => Math.ceil(n / this.options.expectedReplicas);
    const limit = share(policy.limit);
    const localCost = share(cost);
    const now = this.now();
    const state = this.states.get(identity);
    if (policy.algorithm === 'gcra') {
      const tat = state && 'tat' in state ? state.tat : undefined;
      const step = decideGcra(tat, now, { intervalMs: policy.periodMs / limit, burst: share(policy.burst) }, localCost, reserveUpToMs);
      if (step.decision.allowed) this.states.set(identity, { tat: step.tat }, { ttl: step.decision.resetAfterMs });
      return { ...step.decision, limit, decidedAtMs: step.admittedAtMs };
    }
    const log = state && 'log' in state ? state.log : [];
    const decision = decideSlidingWindow(log, now, { limit, periodMs: policy.periodMs }, localCost);
    // Set again even when refused: expired entries were dropped, and the size must be recomputed.
    this.states.set(identity, { log }, { ttl: decision.resetAfterMs });
    return { ...decision, limit, decidedAtMs: now };
  }
}
