import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import type { Registry } from 'prom-client';
import { InvalidLockArgumentError, LockAcquireTimeoutError, LockBackendError } from './lock-errors';
import { assertKeyPrefix, assertLockName, lockKeyPattern, lockKeys, lockNameOfKey, type LockKeys } from './lock-keys';
import { LocalWaiters } from './local-waiters';
import { LockLease, type LockHandle, type LeaseContext } from './lock-lease';
import { errorFields, stderrLockLogger, type LockLogger } from './lock-logger';
import { LockMetrics, type AcquireOutcome } from './lock-metrics';
import { resolveLockOptions, type LockDefaults, type LockOptions } from './lock-options';
import { LockScripts } from './lock-scripts';
import { nextAttemptDelayMs } from './lock-timing';

export interface RedisLockConfig {
  /** a connected ioredis client, owned (and closed) by the caller; must not use ioredis's `keyPrefix` */
  readonly redis: Redis;
  /** first part of every key: `<prefix>:lock:<name>` (production: `sluice`) */
  readonly prefix: string;
  /** who holds the locks taken through this instance, shown by `list()` (default `<hostname>/<pid>`) */
  readonly owner?: string;
  /** defaults for every call's `LockOptions` */
  readonly defaults?: LockDefaults;
  /** where to register the `sluice_lock_*` metrics */
  readonly registry?: Registry;
  /** where release failures and lost locks are reported (default: JSON lines on stderr) */
  readonly logger?: LockLogger;
}

/** What `withLock` hands to the protected function. */
export interface LockContext {
  readonly name: string;
  /** aborts with a `LockLostError` when the lock may no longer be ours; stop, and let the fence reject late writes */
  readonly signal: AbortSignal;
  /** fencing token of this acquisition: pass it with every write the lock protects */
  readonly fence: number;
  /** owner token of this acquisition */
  readonly token: string;
}

/** A lock held right now, as `list()` reports it. */
export interface LockInfo {
  readonly name: string;
  /** the holder's owner description; undefined if the lock was set by something other than this library */
  readonly owner: string | undefined;
  readonly fence: number | undefined;
  /** time left on the lease in ms (-1: the key has no expiry) */
  readonly ttlMs: number;
  /** when the holder acquired it, by Redis's clock */
  readonly acquiredAt: Date | undefined;
}

export interface ListLocksOptions {
  /** stop after this many locks (default 1000) */
  readonly limit?: number;
  /** only locks whose name starts with this (e.g. a tenant's `tenant:<id>:`); glob characters are matched literally */
  readonly namePrefix?: string;
}

const MAX_OWNER_LENGTH = 200;
const SCAN_COUNT = 200;

/**
 * Distributed lock on one Redis server: owner token, fencing token, lease with automatic extension
 * and an AbortSignal on loss, acquire timeout with jittered backoff, safe release, admin listing and
 * force release. See the README for what it guarantees and what it cannot.
 */
export class RedisLock {
  private readonly redis: Redis;
  private readonly prefix: string;
  private readonly owner: string;
  private readonly defaults: LockDefaults;
  private readonly scripts: LockScripts;
  private readonly logger: LockLogger;
  private readonly metrics: LockMetrics | undefined;
  private readonly leaseContext: LeaseContext;
  private readonly waiters = new LocalWaiters();

  constructor(config: RedisLockConfig) {
    assertKeyPrefix(config.prefix);
    if (config.redis.options.keyPrefix) {
      throw new InvalidLockArgumentError('the Redis client must not set keyPrefix; give the prefix to the lock instead', [
        { path: 'redis.options.keyPrefix', message: 'must be empty' },
      ]);
    }
    const owner = config.owner ?? `${hostname()}/${process.pid}`;
    if (owner.length === 0 || owner.length > MAX_OWNER_LENGTH) {
      throw new InvalidLockArgumentError(`owner must be 1-${MAX_OWNER_LENGTH} characters`, [{ path: 'owner', message: 'invalid length' }]);
    }
    this.redis = config.redis;
    this.prefix = config.prefix;
    this.owner = owner;
    this.defaults = config.defaults ?? {};
    resolveLockOptions(this.defaults); // fail at construction, not at the first acquire
    this.scripts = new LockScripts(config.redis);
    this.logger = config.logger ?? stderrLockLogger;
    this.metrics = LockMetrics.for(config.registry);
    this.leaseContext = { scripts: this.scripts, logger: this.logger, metrics: this.metrics, onReleased: (name) => this.waiters.wakeOne(name) };
  }

  /**
   * Takes the lock, waiting up to `acquireTimeoutMs` while someone else holds it. Rejects with
   * `LockAcquireTimeoutError` when it stayed held, `LockBackendError` when Redis failed on the last
   * attempt, or the reason of `options.signal` when that aborted. Release the handle in `finally`.
   */
  async acquire(name: string, options?: LockOptions): Promise<LockHandle> {
    assertLockName(name);
    const opts = resolveLockOptions(this.defaults, options);
    const keys = lockKeys(this.prefix, name);
    // One token for every attempt, so an attempt whose reply was lost is recognised by the next one.
    const token = randomUUID();
    const started = performance.now();
    const deadline = started + opts.acquireTimeoutMs;
    for (let attempt = 1; ; attempt++) {
      if (opts.signal?.aborted) throw this.gaveUp(started, 'aborted', opts.signal.reason);
      const sentAt = performance.now();
      let holderTtlMs = -1;
      let failure: unknown;
      try {
        const reply = await this.scripts.acquire(keys, token, opts.ttlMs, this.owner);
        if (reply.acquired) {
          this.observeAcquired(started, attempt);
          return new LockLease({ name, keys, token, fence: reply.fence, ttlMs: opts.ttlMs, sentAt, autoExtend: opts.autoExtend }, this.leaseContext);
        }
        holderTtlMs = reply.holderTtlMs;
        this.metrics?.contention.inc();
      } catch (error) {
        failure = error;
      }
      // The loop ends here at the latest: every pass waits at least 1 ms and the deadline is fixed.
      const remainingMs = deadline - performance.now();
      if (remainingMs <= 0) {
        const waitedMs = Math.round(performance.now() - started);
        if (failure !== undefined) {
          throw this.gaveUp(started, 'error', new LockBackendError(name, `could not reach Redis to take lock "${name}" (${attempt} attempts in ${waitedMs} ms)`, { cause: failure }));
        }
        throw this.gaveUp(started, 'timeout', new LockAcquireTimeoutError(name, waitedMs, attempt));
      }
      await this.waiters.wait(name, nextAttemptDelayMs({ attempt, policy: opts.retry, holderTtlMs, remainingMs }), opts.signal);
    }
  }

  /** One attempt, no waiting: the handle, or undefined if someone else holds the lock. */
  async tryAcquire(name: string, options?: Omit<LockOptions, 'acquireTimeoutMs' | 'retry'>): Promise<LockHandle | undefined> {
    try {
      return await this.acquire(name, { ...options, acquireTimeoutMs: 0 });
    } catch (error) {
      if (error instanceof LockAcquireTimeoutError) return undefined;
      throw error;
    }
  }

  /**
   * Runs `fn` while holding the lock, extending the lease automatically, and releases it afterwards.
   * If `fn` throws, that error is what `withLock` throws, whatever happens to the release; a failed
   * release is logged (the lease then ends by its TTL) and never turns `fn`'s result into a failure.
   * `fn` should watch `signal` and stop when it aborts; its result is returned either way.
   */
  async withLock<T>(name: string, fn: (lock: LockContext) => Promise<T> | T, options?: Omit<LockOptions, 'autoExtend'>): Promise<T> {
    const lease = await this.acquire(name, { ...options, autoExtend: true });
    let result: T;
    try {
      result = await fn({ name, signal: lease.signal, fence: lease.fence, token: lease.token });
    } catch (error) {
      await this.releaseAndLog(lease);
      throw error;
    }
    await this.releaseAndLog(lease);
    return result;
  }

  /** The locks held right now under this prefix, sorted by name (found with SCAN, never KEYS). */
  async list(options: ListLocksOptions = {}): Promise<LockInfo[]> {
    const limit = options.limit ?? 1000;
    if (!Number.isInteger(limit) || limit < 1) {
      throw new InvalidLockArgumentError(`limit must be a positive integer, got ${limit}`, [{ path: 'limit', message: 'must be a positive integer' }]);
    }
    const found = new Map<string, LockInfo>();
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', lockKeyPattern(this.prefix, options.namePrefix), 'COUNT', SCAN_COUNT);
      cursor = next;
      const names = keys.map((key) => lockNameOfKey(this.prefix, key)).filter((name) => !found.has(name));
      for (const info of await this.describe(names)) {
        if (found.size < limit) found.set(info.name, info);
      }
    } while (cursor !== '0' && found.size < limit);
    return [...found.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /**
   * Deletes the lock whoever holds it; resolves whether there was one. The holder finds out at its
   * next extension; the fence counter stays, so the next holder's fence is still higher.
   */
  async forceRelease(name: string): Promise<boolean> {
    assertLockName(name);
    return (await this.redis.del(lockKeys(this.prefix, name).lock)) === 1;
  }

  private async describe(names: readonly string[]): Promise<LockInfo[]> {
    if (names.length === 0) return [];
    const pipeline = this.redis.pipeline();
    const keysOf = names.map((name): LockKeys => lockKeys(this.prefix, name));
    for (const keys of keysOf) pipeline.get(keys.lock).pttl(keys.lock).hmget(keys.state, 'token', 'owner', 'fence', 'acquiredAt');
    const replies = (await pipeline.exec()) ?? [];
    const infos: LockInfo[] = [];
    names.forEach((name, i) => {
      const [tokenReply, ttlReply, metaReply] = replies.slice(i * 3, i * 3 + 3);
      const token = tokenReply?.[1] as string | null | undefined;
      const ttlMs = ttlReply?.[1] as number | undefined;
      // Gone between SCAN and GET (released or expired), or a failed read: not held as far as we can tell.
      if (!token || ttlMs === undefined || ttlMs === -2) return;
      const [metaToken, owner, fence, acquiredAt] = (metaReply?.[1] ?? []) as (string | null)[];
      const ours = metaToken === token;
      infos.push({
        name,
        owner: ours ? (owner ?? undefined) : undefined,
        fence: ours && fence ? Number(fence) : undefined,
        ttlMs,
        acquiredAt: ours && acquiredAt ? new Date(Number(acquiredAt)) : undefined,
      });
    });
    return infos;
  }

  private async releaseAndLog(lease: LockHandle): Promise<void> {
    try {
      await lease.release();
    } catch (error) {
      this.logger.error({ lock: lease.name, fence: lease.fence, ...errorFields(error) }, 'lock release failed; the lease ends by its TTL');
    }
  }

  private observeAcquired(started: number, attempts: number): void {
    if (!this.metrics) return;
    this.metrics.acquireDuration.observe({ outcome: 'acquired' }, (performance.now() - started) / 1000);
    if (attempts > 1) this.metrics.waited.inc();
  }

  private gaveUp(started: number, outcome: Exclude<AcquireOutcome, 'acquired'>, error: unknown): unknown {
    this.metrics?.acquireDuration.observe({ outcome }, (performance.now() - started) / 1000);
    return error;
  }
}
