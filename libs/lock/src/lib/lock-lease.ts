import { LockLostError, type LockLostReason } from './lock-errors';
import type { LockKeys } from './lock-keys';
import { errorFields, type LockLogger } from './lock-logger';
import type { LockMetrics } from './lock-metrics';
import type { LockScripts } from './lock-scripts';
import { assertTtl } from './lock-options';
import { extendIntervalMs, extendRetryMs, safeLeaseMs } from './lock-timing';

/** A lock this process holds. */
export interface LockHandle {
  readonly name: string;
  /** this acquisition's owner token (the value of the lock key) */
  readonly token: string;
  /** fencing token: larger than that of every earlier holder of this name; pass it with every protected write */
  readonly fence: number;
  /** aborts, with a `LockLostError` as its reason, as soon as the lock may no longer be ours */
  readonly signal: AbortSignal;
  /**
   * Sets the lease to `ttlMs` (default: the acquire TTL) from now. Throws `LockLostError` when the
   * lock is no longer ours (and aborts `signal`), or the Redis error when Redis could not be asked.
   */
  extend(ttlMs?: number): Promise<void>;
  /**
   * Deletes the lock if it is still ours and stops extending it. Resolves `true` if it was ours,
   * `false` if it had already expired or been taken over; repeated calls resolve `false`.
   * Rejects only when Redis could not be asked (the lease then ends by its TTL).
   */
  release(): Promise<boolean>;
}

type LeaseState = 'held' | 'lost' | 'released';

export interface LeaseContext {
  readonly scripts: LockScripts;
  readonly logger: LockLogger;
  readonly metrics: LockMetrics | undefined;
  /** called after this process released `name` in Redis */
  readonly onReleased: (name: string) => void;
}

export interface LeaseGrant {
  readonly name: string;
  readonly keys: LockKeys;
  readonly token: string;
  readonly fence: number;
  readonly ttlMs: number;
  /** `performance.now()` when the successful acquire was sent */
  readonly sentAt: number;
  readonly autoExtend: boolean;
}

/**
 * Keeps one acquisition alive with a single timer. It fires at the next extension (every
 * `ttlMs / 3`, when auto-extending) or at the lease deadline, whichever comes first; at the deadline,
 * if no extension has been confirmed since, the signal aborts.
 */
export class LockLease implements LockHandle {
  readonly name: string;
  readonly token: string;
  readonly fence: number;
  readonly signal: AbortSignal;

  private readonly controller = new AbortController();
  private readonly keys: LockKeys;
  private readonly ttlMs: number;
  private readonly autoExtend: boolean;
  private state: LeaseState = 'held';
  private timer: NodeJS.Timeout | undefined;
  /** `performance.now()` until which the lease is certainly ours */
  private deadline: number;
  /** `performance.now()` of the next automatic extension */
  private nextExtendAt: number;
  private autoExtending = false;
  /** send time of the newest extension applied; an older reply must not move the deadline */
  private appliedSentAt: number;

  constructor(
    grant: LeaseGrant,
    private readonly context: LeaseContext,
  ) {
    this.name = grant.name;
    this.token = grant.token;
    this.fence = grant.fence;
    this.keys = grant.keys;
    this.ttlMs = grant.ttlMs;
    this.autoExtend = grant.autoExtend;
    this.signal = this.controller.signal;
    this.appliedSentAt = grant.sentAt;
    this.deadline = grant.sentAt + safeLeaseMs(grant.ttlMs);
    this.nextExtendAt = grant.sentAt + extendIntervalMs(grant.ttlMs);
    this.context.metrics?.held.inc();
    this.arm();
  }

  async extend(ttlMs: number = this.ttlMs): Promise<void> {
    assertTtl(ttlMs);
    this.assertHeld();
    const sentAt = performance.now();
    let reply;
    try {
      reply = await this.context.scripts.extend(this.keys, this.token, ttlMs);
    } catch (error) {
      this.context.metrics?.extensions.inc({ outcome: 'error' });
      throw error;
    }
    this.assertHeld();
    if (reply === 1) {
      this.context.metrics?.extensions.inc({ outcome: 'extended' });
      if (sentAt >= this.appliedSentAt) {
        this.appliedSentAt = sentAt;
        this.deadline = sentAt + safeLeaseMs(ttlMs);
        this.arm();
      }
      return;
    }
    this.context.metrics?.extensions.inc({ outcome: 'lost' });
    this.lose(reply === -1 ? 'taken' : 'expired');
    this.assertHeld();
  }

  async release(): Promise<boolean> {
    if (this.state === 'released') return false;
    const wasHeld = this.state === 'held';
    this.state = 'released';
    this.disarm();
    if (wasHeld) this.context.metrics?.held.dec();
    // Even a lost lease is asked to release: the compare-and-delete only removes our own token.
    const released = await this.context.scripts.release(this.keys, this.token);
    if (released) this.context.onReleased(this.name);
    return released;
  }

  private assertHeld(): void {
    if (this.state === 'lost') throw this.signal.reason;
    if (this.state === 'released') throw new LockLostError(this.name, 'released', this.fence);
  }

  private lose(reason: LockLostReason): void {
    if (this.state !== 'held') return;
    this.state = 'lost';
    this.disarm();
    this.context.metrics?.held.dec();
    this.context.metrics?.observeLost(reason);
    this.context.logger.warn({ lock: this.name, fence: this.fence, reason }, 'lock lost while held');
    this.controller.abort(new LockLostError(this.name, reason, this.fence));
  }

  private arm(): void {
    if (this.state !== 'held') return;
    clearTimeout(this.timer);
    const at = this.autoExtend && !this.autoExtending ? Math.min(this.nextExtendAt, this.deadline) : this.deadline;
    this.timer = setTimeout(() => this.onTimer(), Math.max(0, at - performance.now()));
  }

  private disarm(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private onTimer(): void {
    this.timer = undefined;
    const now = performance.now();
    // Timers have millisecond granularity and may fire up to 1 ms early; err on the side of "lost".
    if (now >= this.deadline - 1) return this.lose('lease-elapsed');
    if (this.autoExtend && !this.autoExtending && now >= this.nextExtendAt - 1) return void this.extendInBackground();
    this.arm();
  }

  private async extendInBackground(): Promise<void> {
    this.autoExtending = true;
    this.arm(); // the deadline still applies while the extension is on its way
    let retryMs = extendIntervalMs(this.ttlMs);
    try {
      await this.extend();
    } catch (error) {
      if (this.state !== 'held') return; // lost (reported through the signal) or released meanwhile
      this.context.logger.warn({ lock: this.name, fence: this.fence, ...errorFields(error) }, 'lock extension failed; retrying until the lease runs out');
      retryMs = extendRetryMs(this.ttlMs);
    } finally {
      this.autoExtending = false;
    }
    this.nextExtendAt = performance.now() + retryMs;
    this.arm();
  }
}
