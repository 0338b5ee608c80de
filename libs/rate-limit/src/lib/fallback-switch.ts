import { errorFields, type RateLimitLogger } from './rate-limit-logger';
import type { RateLimitMetrics } from './rate-limit-metrics';

export interface FallbackSwitchOptions {
  /** Resolves when Redis is reachable again (a PING with a timeout). */
  readonly probe: () => Promise<unknown>;
  readonly probeIntervalMs: number;
  readonly logger: RateLimitLogger;
  readonly metrics?: RateLimitMetrics;
  readonly prefix: string;
}

/**
 * Whether decisions go to Redis or to the in-process fallback. The first failed Redis call flips
 * it to the fallback (one warn); from then on no request touches Redis, and one probe every
 * `probeIntervalMs` checks whether Redis answers again (then one info, and back to Redis).
 */
export class FallbackSwitch {
  private down = false;
  private closed = false;
  private probeTimer?: NodeJS.Timeout;

  constructor(private readonly options: FallbackSwitchOptions) {}

  get active(): boolean {
    return this.down;
  }

  redisFailed(error: unknown): void {
    if (this.down || this.closed) return;
    this.down = true;
    this.options.metrics?.fallbackActive.inc();
    this.options.metrics?.fallbackSwitches.inc();
    this.options.logger.warn(
      { prefix: this.options.prefix, probeIntervalMs: this.options.probeIntervalMs, ...errorFields(error) },
      'rate limiter cannot reach Redis; deciding in process until it answers again',
    );
    this.scheduleProbe();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.probeTimer);
    this.probeTimer = undefined;
    if (this.down) this.options.metrics?.fallbackActive.dec();
    this.down = false;
  }

  private scheduleProbe(): void {
    this.probeTimer = setTimeout(() => void this.probe(), this.options.probeIntervalMs);
    this.probeTimer.unref();
  }

  private async probe(): Promise<void> {
    this.probeTimer = undefined;
    try {
      await this.options.probe();
    } catch {
      // Still down: the switch was logged once; the next probe follows.
      if (!this.closed) this.scheduleProbe();
      return;
    }
    if (this.closed || !this.down) return;
    this.down = false;
    this.options.metrics?.fallbackActive.dec();
    this.options.logger.info({ prefix: this.options.prefix }, 'rate limiter reaches Redis again; deciding in Redis');
  }
}
