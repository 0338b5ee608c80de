import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';
import { InvalidArgumentError, SluiceError, type FieldViolation } from '@sluice/contracts';
import { RateLimitedError, RateLimiter } from '@sluice/rate-limit';
import { sleep } from './abortable-sleep';
import { HostWaitTimeoutError } from './crawl-errors';
import { GATE_CLOSED, GATE_SCRIPT, PENALIZE_SCRIPT, RENEW_SLOT_SCRIPT, SLOT_TAKEN, TAKE_SLOT_SCRIPT } from './politeness-scripts';

export interface HostPolitenessOptions {
  /** A connected client owned by the caller; never closed here. */
  readonly redis: Redis;
  /** First part of every key (`sluice` in production, a unique prefix in tests). */
  readonly keyPrefix: string;
  readonly defaultRequestsPerSecond: number;
  readonly defaultConcurrency: number;
  /** Longest penalty a 429/503 can impose, with or without Retry-After. Default 10 minutes. */
  readonly maxBackoffMs?: number;
  /** First exponential backoff step when a 429/503 has no Retry-After. Default 1 s. */
  readonly baseBackoffMs?: number;
  /** A concurrency slot's lease; renewed while held, so it only runs out when its holder stops renewing (crashed). Default 60 s. */
  readonly leaseMs?: number;
  /** The longest one `acquire` waits before failing with `HostWaitTimeoutError`. Default 15 minutes. */
  readonly maxWaitMs?: number;
  /** How often a waiter re-checks a full host for a slot freed by another replica. Default 100 ms. */
  readonly slotPollMs?: number;
  /** Redis calls of the rate limiter slower than this switch it to its per-process fallback. Default 1 000 ms. */
  readonly rateLimitCommandTimeoutMs?: number;
}

export interface HostAcquireOptions {
  readonly requestsPerSecond?: number;
  readonly concurrency?: number;
  /** robots.txt Crawl-delay (already capped): the minimum interval between two requests to the host. */
  readonly crawlDelayMs?: number;
}

/** Gives the concurrency slot back; calling it twice is harmless. `grantedAtMs` is when the host's rate admitted the request (Redis clock, epoch ms). */
export type HostSlotRelease = (() => Promise<void>) & { readonly grantedAtMs: number };

interface Lease {
  readonly release: () => Promise<void>;
  stopRenewing(): void;
}

/** A request that waited at least this long for the host's rate looks at its gate again before going. */
const GATE_RECHECK_AFTER_MS = 100;

/** Rate limiters are per request interval; at most this many different intervals are kept at once. */
const MAX_RATE_LIMITERS = 256;
const RATE_POLICY_NAME = 'crawl-host';

/**
 * Per-host politeness shared by every scraper replica through Redis. Before each request to a
 * host, `acquire` waits until (1) any Retry-After/backoff penalty on the host has passed, (2) one of
 * the host's concurrency slots is free — a lease in a Redis sorted set, renewed while held, so a
 * crashed replica's slot frees itself when its lease runs out — and (3) the host's rate admits it:
 * one GCRA decision (`@sluice/rate-limit`) whose interval is the larger of 1/requestsPerSecond and
 * Crawl-delay, so on Redis's clock two requests to a host never start closer together than that,
 * whichever replica sends them. `penalize` closes the host for a 429/503.
 */
export class HostPoliteness {
  private readonly redis: Redis;
  private readonly keyPrefix: string;
  private readonly settings: Required<Omit<HostPolitenessOptions, 'redis' | 'keyPrefix'>>;
  private readonly limiters: LRUCache<number, RateLimiter>;
  private readonly leases = new Set<Lease>();
  /** Local waiters per host, woken when a slot of this process is released (other replicas' releases are seen by polling). */
  private readonly waiters = new Map<string, Set<() => void>>();
  private closed = false;

  constructor(options: HostPolitenessOptions) {
    this.redis = options.redis;
    this.keyPrefix = options.keyPrefix;
    this.settings = {
      defaultRequestsPerSecond: options.defaultRequestsPerSecond,
      defaultConcurrency: options.defaultConcurrency,
      maxBackoffMs: options.maxBackoffMs ?? 10 * 60_000,
      baseBackoffMs: options.baseBackoffMs ?? 1_000,
      leaseMs: options.leaseMs ?? 60_000,
      maxWaitMs: options.maxWaitMs ?? 15 * 60_000,
      slotPollMs: options.slotPollMs ?? 100,
      rateLimitCommandTimeoutMs: options.rateLimitCommandTimeoutMs ?? 1_000,
    };
    assertValid(validateSettings(this.keyPrefix, this.settings));
    this.limiters = new LRUCache({ max: MAX_RATE_LIMITERS, dispose: (limiter) => limiter.close() });
  }

  /**
   * Waits (at most `maxWaitMs`, and no longer than `signal` allows) until a request to `host` may
   * start, and returns the function that gives its concurrency slot back. Rejects with
   * `HostWaitTimeoutError` when the wait would be longer, with the signal's reason on abort, and
   * with `InvalidArgumentError` for bad options.
   */
  async acquire(host: string, opts: HostAcquireOptions = {}, signal?: AbortSignal): Promise<HostSlotRelease> {
    if (this.closed) throw new SluiceError('FAILED_PRECONDITION', 'HostPoliteness is closed');
    const requestsPerSecond = opts.requestsPerSecond ?? this.settings.defaultRequestsPerSecond;
    const concurrency = opts.concurrency ?? this.settings.defaultConcurrency;
    const crawlDelayMs = opts.crawlDelayMs ?? 0;
    assertValid(validateAcquire(host, requestsPerSecond, concurrency, crawlDelayMs));
    const deadline = Date.now() + this.settings.maxWaitMs;

    const lease = await this.takeSlot(host, concurrency, deadline, signal);
    try {
      const intervalMs = Math.max(Math.ceil(1000 / requestsPerSecond), Math.ceil(crawlDelayMs));
      // One call: the host's next free turn is reserved in Redis, then waited for here.
      const waitStarted = Date.now();
      const decision = await this.limiterFor(intervalMs).waitFor(host, { signal, maxWaitMs: Math.max(0, deadline - waitStarted) });
      // A penalty may have arrived while this request waited for its turn (not worth a look
      // after a wait as short as the requests already in flight, which are not recalled either).
      if (Date.now() - waitStarted >= GATE_RECHECK_AFTER_MS) await this.waitForGate(host, deadline, signal);
      return Object.assign(lease.release, { grantedAtMs: decision.decidedAtMs });
    } catch (error) {
      await lease.release();
      if (error instanceof RateLimitedError) throw new HostWaitTimeoutError(host, this.settings.maxWaitMs);
      throw error;
    }
  }

  /**
   * After a 429 or 503 from `host`: no request to it starts before now + `retryAfterMs` (from the
   * response's Retry-After, see `parseRetryAfter`), or, without one, an exponential backoff that
   * doubles per penalty up to `maxBackoffMs`. Returns the delay now in force, in ms.
   */
  async penalize(host: string, retryAfterMs: number | undefined): Promise<number> {
    const violations = hostViolations(host);
    if (retryAfterMs !== undefined && !(Number.isFinite(retryAfterMs) && retryAfterMs >= 0)) {
      violations.push({ path: 'retryAfterMs', message: 'must be a non-negative number of milliseconds' });
    }
    assertValid(violations);
    const requested = retryAfterMs === undefined ? -1 : Math.ceil(Math.min(retryAfterMs, this.settings.maxBackoffMs));
    const keys = [this.key(host, 'gate'), this.key(host, 'strikes')];
    return Number(await PENALIZE_SCRIPT.run(this.redis, keys, [requested, this.settings.baseBackoffMs, this.settings.maxBackoffMs]));
  }

  /** Stops renewing held leases (they run out after `leaseMs`) and the rate limiters' timers. The Redis client stays open. */
  close(): void {
    this.closed = true;
    for (const lease of this.leases) lease.stopRenewing();
    this.leases.clear();
    this.limiters.clear();
  }

  private async waitForGate(host: string, deadline: number, signal: AbortSignal | undefined): Promise<void> {
    for (;;) {
      signal?.throwIfAborted();
      const waitMs = Number(await GATE_SCRIPT.run(this.redis, [this.key(host, 'gate')], []));
      if (waitMs <= 0) return;
      if (Date.now() + waitMs > deadline) throw new HostWaitTimeoutError(host, this.settings.maxWaitMs);
      await sleep(waitMs, signal);
    }
  }

  /** Waits until the host's gate is open and one of its slots is free, and takes the slot. */
  private async takeSlot(host: string, concurrency: number, deadline: number, signal: AbortSignal | undefined): Promise<Lease> {
    const slots = this.key(host, 'slots');
    const token = randomUUID();
    for (;;) {
      signal?.throwIfAborted();
      const [verdict, waitMs] = (await TAKE_SLOT_SCRIPT.run(this.redis, [slots, this.key(host, 'gate')], [token, concurrency, this.settings.leaseMs])) as [number, number];
      if (verdict === SLOT_TAKEN) return this.startLease(host, slots, token);
      if (verdict === GATE_CLOSED) {
        if (Date.now() + waitMs > deadline) throw new HostWaitTimeoutError(host, this.settings.maxWaitMs);
        await sleep(waitMs, signal);
        continue;
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new HostWaitTimeoutError(host, this.settings.maxWaitMs);
      await sleep(Math.min(waitMs, this.settings.slotPollMs, left), signal, (wake) => this.onLocalRelease(host, wake));
    }
  }

  private startLease(host: string, slots: string, token: string): Lease {
    const renewEveryMs = Math.max(1, Math.floor(this.settings.leaseMs / 3));
    // A failed renewal is not retried here: the next tick tries again, and if the holder really is cut
    // off from Redis its lease runs out, which is exactly what a crashed holder's lease must do.
    const timer = setInterval(() => void RENEW_SLOT_SCRIPT.run(this.redis, [slots], [token, this.settings.leaseMs]).catch(() => undefined), renewEveryMs);
    timer.unref();
    let released = false;
    const lease: Lease = {
      stopRenewing: () => clearInterval(timer),
      release: async () => {
        if (released) return;
        released = true;
        clearInterval(timer);
        this.leases.delete(lease);
        try {
          await this.redis.zrem(slots, token);
        } finally {
          for (const wake of this.waiters.get(host) ?? []) wake();
        }
      },
    };
    this.leases.add(lease);
    return lease;
  }

  private onLocalRelease(host: string, wake: () => void): () => void {
    let waiting = this.waiters.get(host);
    if (!waiting) {
      waiting = new Set();
      this.waiters.set(host, waiting);
    }
    waiting.add(wake);
    return () => {
      waiting.delete(wake);
      if (waiting.size === 0) this.waiters.delete(host);
    };
  }

  /**
   * One limiter per request interval, all under the same policy name, so they share the host's
   * Redis key: a request admitted at the stricter interval delays the next one accordingly.
   */
  private limiterFor(intervalMs: number): RateLimiter {
    let limiter = this.limiters.get(intervalMs);
    if (!limiter) {
      limiter = new RateLimiter({
        redis: this.redis,
        prefix: `${this.keyPrefix}:crawl`,
        policy: { algorithm: 'gcra', name: RATE_POLICY_NAME, limit: 1, periodMs: intervalMs, burst: 1 },
        commandTimeoutMs: this.settings.rateLimitCommandTimeoutMs,
      });
      this.limiters.set(intervalMs, limiter);
    }
    return limiter;
  }

  private key(host: string, part: 'gate' | 'strikes' | 'slots'): string {
    return `${this.keyPrefix}:crawl:host:${host}:${part}`;
  }
}

function validateSettings(keyPrefix: string, s: Required<Omit<HostPolitenessOptions, 'redis' | 'keyPrefix'>>): FieldViolation[] {
  const violations: FieldViolation[] = [];
  if (!/^[^\s]{1,100}$/.test(keyPrefix)) violations.push({ path: 'keyPrefix', message: 'must be 1–100 characters without spaces' });
  if (!isPositive(s.defaultRequestsPerSecond) || s.defaultRequestsPerSecond > 1000) violations.push({ path: 'defaultRequestsPerSecond', message: 'must be > 0 and at most 1000' });
  if (!isPositiveInt(s.defaultConcurrency)) violations.push({ path: 'defaultConcurrency', message: 'must be a positive integer' });
  for (const field of ['maxBackoffMs', 'baseBackoffMs', 'leaseMs', 'maxWaitMs', 'slotPollMs', 'rateLimitCommandTimeoutMs'] as const) {
    if (!isPositiveInt(s[field])) violations.push({ path: field, message: 'must be a positive integer number of milliseconds' });
  }
  return violations;
}

function validateAcquire(host: string, requestsPerSecond: number, concurrency: number, crawlDelayMs: number): FieldViolation[] {
  const violations = hostViolations(host);
  if (!isPositive(requestsPerSecond) || requestsPerSecond > 1000) violations.push({ path: 'requestsPerSecond', message: 'must be > 0 and at most 1000' });
  if (!isPositiveInt(concurrency)) violations.push({ path: 'concurrency', message: 'must be a positive integer' });
  if (!(Number.isFinite(crawlDelayMs) && crawlDelayMs >= 0)) violations.push({ path: 'crawlDelayMs', message: 'must be a non-negative number of milliseconds' });
  return violations;
}

function hostViolations(host: string): FieldViolation[] {
  return typeof host === 'string' && /^[^\s]{1,300}$/.test(host) ? [] : [{ path: 'host', message: 'must be a host key (host[:port]) without spaces' }];
}

function assertValid(violations: FieldViolation[]): void {
  if (violations.length > 0) throw new InvalidArgumentError('invalid politeness options', violations);
}

const isPositive = (value: number) => Number.isFinite(value) && value > 0;
const isPositiveInt = (value: number) => Number.isInteger(value) && value > 0;
