import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { LockLostReason } from './lock-errors';

export type AcquireOutcome = 'acquired' | 'timeout' | 'error' | 'aborted';
export type ExtendOutcome = 'extended' | 'lost' | 'error';

/**
 * The library's Prometheus series, registered once per registry. No lock-name label: names carry
 * tenant and pipeline ids, so such a label would grow without bound.
 */
export class LockMetrics {
  readonly acquireDuration: Histogram<'outcome'>;
  readonly waited: Counter;
  readonly contention: Counter;
  readonly extensions: Counter<'outcome'>;
  readonly lost: Counter<'reason'>;
  readonly held: Gauge;

  private static readonly byRegistry = new WeakMap<Registry, LockMetrics>();

  static for(registry: Registry | undefined): LockMetrics | undefined {
    if (!registry) return undefined;
    let metrics = LockMetrics.byRegistry.get(registry);
    if (!metrics) {
      metrics = new LockMetrics(registry);
      LockMetrics.byRegistry.set(registry, metrics);
    }
    return metrics;
  }

  private constructor(registry: Registry) {
    const registers = [registry];
    this.acquireDuration = new Histogram({
      name: 'sluice_lock_acquire_duration_seconds',
      help: 'Time from asking for a lock to getting it or giving up, by outcome (acquired, timeout, error, aborted)',
      labelNames: ['outcome'],
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30],
      registers,
    });
    this.waited = new Counter({
      name: 'sluice_lock_acquired_after_wait_total',
      help: 'Acquisitions that found the lock held at least once and had to wait',
      registers,
    });
    this.contention = new Counter({
      name: 'sluice_lock_contention_total',
      help: 'Acquire attempts that failed because another owner held the lock',
      registers,
    });
    this.extensions = new Counter({
      name: 'sluice_lock_extensions_total',
      help: 'Lease extensions, by outcome (extended, lost = no longer the owner, error = Redis failed)',
      labelNames: ['outcome'],
      registers,
    });
    this.lost = new Counter({
      name: 'sluice_lock_lost_total',
      help: 'Locks lost while held, by reason (taken, expired, lease-elapsed)',
      labelNames: ['reason'],
      registers,
    });
    this.held = new Gauge({
      name: 'sluice_lock_held',
      help: 'Locks this process holds right now',
      registers,
    });
  }

  observeLost(reason: LockLostReason): void {
    this.lost.inc({ reason });
  }
}
