import type { Redis } from 'ioredis';
import type { Registry } from 'prom-client';
import { z } from 'zod';
import { zodViolations } from '@sluice/contracts';
import { FallbackSwitch } from './fallback-switch';
import { MemoryRateLimitStore } from './memory-rate-limit-store';
import type { RateLimitDecision } from './rate-limit-decision';
import { InvalidRateLimitError, RateLimitedError } from './rate-limit-errors';
import { keyIdentity } from './rate-limit-key';
import { stderrLogger, type RateLimitLogger } from './rate-limit-logger';
import { RateLimitMetrics, type DecisionBackend } from './rate-limit-metrics';
import { MAX_SLIDING_WINDOW_LIMIT, assertCost, resolvePolicy, type RateLimitPolicy, type ResolvedPolicy } from './rate-limit-policy';
import { RedisRateLimitStore, type StoreDecision } from './redis-rate-limit-store';
import { sleep } from './timeouts';

/** Chooses the policy for a caller key, e.g. a tenant's plan. Called on every decision: keep it cheap and return shared objects. */
export type PolicyResolver = (key: string) => RateLimitPolicy;

export interface RateLimitFallbackOptions {
  /** Most keys the in-process fallback remembers (least recently used forgotten first). Default 10 000. */
  readonly maxKeys?: number;
  /** Most sliding-window entries it holds over all keys. Default 1 000 000. */
  readonly maxEntries?: number;
  /**
   * Replicas expected to share the limit while Redis is down: each process then admits
   * `ceil(limit / expectedReplicas)`. Default 1 (each process admits the whole limit).
   */
  readonly expectedReplicas?: number;
  /** How often to check whether Redis answers again. Default 1 000 ms. */
  readonly probeIntervalMs?: number;
}

export interface RateLimiterOptions {
  /** A connected ioredis client, owned by the caller (the limiter never closes it). */
  readonly redis: Redis;
  /** First part of every key: `sluice` in production, a unique prefix in tests. */
  readonly prefix: string;
  /** One policy for every key, or a resolver choosing one per key. */
  readonly policy: RateLimitPolicy | PolicyResolver;
  /** A Redis call slower than this counts as a failure and the fallback decides. Default 250 ms. */
  readonly commandTimeoutMs?: number;
  readonly fallback?: RateLimitFallbackOptions;
  readonly registry?: Registry;
  readonly logger?: RateLimitLogger;
}

export interface RateLimitResult extends RateLimitDecision {
  /** The policy's limit (during the fallback: this process's share of it). */
  readonly limit: number;
  /** The policy's name. */
  readonly policy: string;
  /** Where the decision was made. */
  readonly backend: DecisionBackend;
  /**
   * When, in epoch ms: Redis server time for `redis`, this process's clock for `fallback`. For a
   * reservation (`waitFor` with GCRA), the exact time the units were reserved for.
   */
  readonly decidedAtMs: number;
}

export interface WaitForOptions {
  readonly cost?: number;
  /** Aborting rejects the wait with the signal's reason. */
  readonly signal?: AbortSignal;
  /** Give up (with `RateLimitedError`) when admission is further away than this. Default 10 000 ms. */
  readonly maxWaitMs?: number;
}

const optionsSchema = z.object({
  prefix: z.string().regex(/^[^\s]{1,100}$/, 'must be 1–100 characters without spaces'),
  commandTimeoutMs: z.number().int().min(1).max(60_000),
  maxKeys: z.number().int().min(1),
  // Below the largest sliding-window limit a full log could not be stored, and the key would be forgotten.
  maxEntries: z.number().int().min(MAX_SLIDING_WINDOW_LIMIT),
  expectedReplicas: z.number().int().min(1),
  probeIntervalMs: z.number().int().min(10).max(600_000),
});

// A denied decision always waits at least 1 ms, so maxWaitMs bounds the loop; this bounds it too.
const MAX_WAIT_ATTEMPTS = 10_000;

/**
 * Rate limits keys with one Redis script per decision (no check-then-add race between replicas),
 * and with the same algorithm in process memory while Redis fails or is slow.
 */
export class RateLimiter {
  private readonly redisStore: RedisRateLimitStore;
  private readonly memoryStore: MemoryRateLimitStore;
  private readonly fallbackSwitch: FallbackSwitch;
  private readonly metrics?: RateLimitMetrics;
  private readonly staticPolicy?: ResolvedPolicy;
  private readonly resolver?: PolicyResolver;
  private readonly resolved = new WeakMap<RateLimitPolicy, ResolvedPolicy>();

  constructor(options: RateLimiterOptions) {
    const settings = parseSettings(options);
    if (typeof options.policy === 'function') this.resolver = options.policy;
    else this.staticPolicy = resolvePolicy(options.policy);
    this.metrics = RateLimitMetrics.for(options.registry);
    this.redisStore = new RedisRateLimitStore(options.redis, settings.prefix, settings.commandTimeoutMs);
    this.memoryStore = new MemoryRateLimitStore({
      maxKeys: settings.maxKeys,
      maxEntries: settings.maxEntries,
      expectedReplicas: settings.expectedReplicas,
    });
    this.fallbackSwitch = new FallbackSwitch({
      probe: () => this.redisStore.ping(),
      probeIntervalMs: settings.probeIntervalMs,
      logger: options.logger ?? stderrLogger,
      metrics: this.metrics,
      prefix: settings.prefix,
    });
  }

  /** Where decisions are made right now. */
  get backend(): DecisionBackend {
    return this.fallbackSwitch.active ? 'fallback' : 'redis';
  }

  /** Keys the in-process fallback currently remembers (at most `fallback.maxKeys`). */
  get fallbackKeyCount(): number {
    return this.memoryStore.size;
  }

  /** The validated policy that applies to `key`, defaults filled in. */
  policyFor(key: string): ResolvedPolicy {
    if (this.staticPolicy) return this.staticPolicy;
    const policy = (this.resolver as PolicyResolver)(key);
    let resolved = this.resolved.get(policy);
    if (!resolved) {
      resolved = resolvePolicy(policy);
      this.resolved.set(policy, resolved);
    }
    return resolved;
  }

  /**
   * Takes `cost` units from `key` if its quota allows, in one atomic step. Never rejects because
   * of Redis: while Redis fails, the in-process fallback decides (`backend: 'fallback'`). Rejects
   * only with `InvalidRateLimitError` (empty key, bad cost, bad policy from the resolver).
   */
  async consume(key: string, cost = 1): Promise<RateLimitResult> {
    return this.decide(key, cost, 0);
  }

  /**
   * Waits (with timers, never spinning) until `key` admits `cost` units, then takes them. Rejects
   * with `RateLimitedError` when admission is further away than `maxWaitMs`, and with the signal's
   * reason when `signal` aborts. With GCRA the units are reserved at once for the earliest time
   * they fit, so waiters queue in order and ask once; a sliding window is asked again after each wait.
   */
  async waitFor(key: string, options: WaitForOptions = {}): Promise<RateLimitResult> {
    const { cost = 1, signal, maxWaitMs = 10_000 } = options;
    const deadline = performance.now() + maxWaitMs;
    let last: RateLimitResult | undefined;
    for (let attempt = 0; attempt < MAX_WAIT_ATTEMPTS; attempt++) {
      signal?.throwIfAborted();
      last = await this.decide(key, cost, Math.max(0, deadline - performance.now()));
      if (last.allowed) {
        if (last.retryAfterMs === 0) return last;
        // reserved: the units are ours from then on (an abort meanwhile leaves them unused)
        await sleep(last.retryAfterMs, signal);
        return { ...last, retryAfterMs: 0 };
      }
      if (performance.now() + last.retryAfterMs > deadline) break;
      await sleep(last.retryAfterMs, signal);
    }
    const result = last as RateLimitResult;
    throw new RateLimitedError(result.retryAfterMs, result.policy);
  }

  /** One decision; `reserveUpToMs` > 0 lets a GCRA key admit for later (see `waitFor`). */
  private async decide(key: string, cost: number, reserveUpToMs: number): Promise<RateLimitResult> {
    if (typeof key !== 'string' || key.length === 0) {
      throw new InvalidRateLimitError('rate-limit key must be a non-empty string', [{ path: 'key', message: 'must be a non-empty string' }]);
    }
    const policy = this.policyFor(key);
    assertCost(policy, cost);
    const identity = keyIdentity(policy, key);
    const started = performance.now();
    if (!this.fallbackSwitch.active) {
      try {
        const decision = await this.redisStore.decide(policy, identity, cost, reserveUpToMs);
        return this.record(policy, decision, 'redis', started);
      } catch (error) {
        this.fallbackSwitch.redisFailed(error);
      }
    }
    return this.record(policy, this.memoryStore.decide(policy, identity, cost, reserveUpToMs), 'fallback', started);
  }

  /** Stops the Redis probe timer. The Redis client stays open: it belongs to the caller. */
  close(): void {
    this.fallbackSwitch.close();
  }

  private record(policy: ResolvedPolicy, decision: StoreDecision, backend: DecisionBackend, started: number): RateLimitResult {
    this.metrics?.recordDecision(policy.name, decision.allowed, backend, (performance.now() - started) / 1000);
    return {
      allowed: decision.allowed,
      limit: decision.limit,
      remaining: decision.remaining,
      retryAfterMs: decision.retryAfterMs,
      resetAfterMs: decision.resetAfterMs,
      policy: policy.name,
      backend,
      decidedAtMs: decision.decidedAtMs,
    };
  }
}

function parseSettings(options: RateLimiterOptions): z.infer<typeof optionsSchema> {
  const parsed = optionsSchema.safeParse({
    prefix: options.prefix,
    commandTimeoutMs: options.commandTimeoutMs ?? 250,
    maxKeys: options.fallback?.maxKeys ?? 10_000,
    maxEntries: options.fallback?.maxEntries ?? 1_000_000,
    expectedReplicas: options.fallback?.expectedReplicas ?? 1,
    probeIntervalMs: options.fallback?.probeIntervalMs ?? 1_000,
  });
  if (!parsed.success) throw new InvalidRateLimitError('invalid rate limiter options', zodViolations(parsed.error, 'options'));
  return parsed.data;
}
