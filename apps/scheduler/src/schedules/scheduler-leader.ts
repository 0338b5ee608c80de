import { setTimeout as delay } from 'node:timers/promises';
import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { LockAcquireTimeoutError, RedisLock, type LockHandle } from '@sluice/lock';
import { LOGGER } from '@sluice/runtime';
import type { Logger } from '@sluice/telemetry';
import { ScheduleFirer } from './schedule-firer';
import { ScheduleMetrics } from './schedule-metrics';

export const LEADER_LOCK = 'scheduler-leader';
/** Lease of the leader lock; a crashed leader is replaced within about this long. */
export const LEADER_TTL_MS = 5_000;
export const TICK_MS = 1_000;
/** How long one acquire attempt waits before the loop checks for shutdown again. */
const ACQUIRE_WINDOW_MS = 2_000;
const BACKEND_RETRY_MS = 1_000;

const pause = (ms: number, signal: AbortSignal) => delay(ms, undefined, { signal }).catch(() => undefined);

/**
 * Only the replica holding the leader lock fires schedules. Every replica keeps trying to take
 * the lock; the holder ticks every second until the lock's signal says it may be lost (then it
 * stops at once and goes back to acquiring) or the service shuts down (then it releases the lock).
 */
@Injectable()
export class SchedulerLeader implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly shutdown = new AbortController();
  private running: Promise<void> | undefined;

  constructor(
    @Inject(RedisLock) private readonly lock: RedisLock,
    @Inject(ScheduleFirer) private readonly firer: ScheduleFirer,
    @Inject(ScheduleMetrics) private readonly metrics: ScheduleMetrics,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.running = this.run();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.shutdown.abort();
    await this.running;
  }

  private async run(): Promise<void> {
    const stop = this.shutdown.signal;
    while (!stop.aborted) {
      const lease = await this.acquire(stop);
      if (!lease) continue;
      try {
        await this.lead(lease, stop);
      } finally {
        await lease.release().catch((error: unknown) => this.logger.warn({ err: error }, 'leader lock release failed; it ends with its lease'));
      }
    }
  }

  private async acquire(stop: AbortSignal): Promise<LockHandle | undefined> {
    try {
      return await this.lock.acquire(LEADER_LOCK, { ttlMs: LEADER_TTL_MS, acquireTimeoutMs: ACQUIRE_WINDOW_MS, signal: stop });
    } catch (error) {
      if (stop.aborted || error instanceof LockAcquireTimeoutError) return undefined;
      this.logger.warn({ err: error }, 'could not take part in the leader election; retrying');
      await pause(BACKEND_RETRY_MS, stop);
      return undefined;
    }
  }

  private async lead(lease: LockHandle, stop: AbortSignal): Promise<void> {
    const signal = AbortSignal.any([lease.signal, stop]);
    this.logger.info({ fence: lease.fence }, 'scheduler leader: firing due schedules');
    this.metrics.leader.set(1);
    try {
      while (!signal.aborted) {
        try {
          await this.firer.fireDue({ fence: lease.fence, signal });
        } catch (error) {
          this.logger.error({ err: error }, 'scheduler tick failed; trying again next tick');
        }
        await pause(TICK_MS, signal);
      }
    } finally {
      this.metrics.leader.set(0);
      const reason: unknown = lease.signal.reason;
      this.logger.info({ fence: lease.fence, reason: stop.aborted ? 'shutdown' : reason instanceof Error ? reason.message : String(reason) }, 'scheduler leader: stepped down');
    }
  }
}
