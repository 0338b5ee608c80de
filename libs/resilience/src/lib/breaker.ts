import CircuitBreaker from 'opossum';
import { neverAborted } from './abortable-sleep';
import type { BreakerLogger } from './breaker-logger';
import type { BreakerMetrics, BreakerState, CallOutcome } from './breaker-metrics';
import type { ResolvedBreakerOptions } from './breaker-options';
import { BreakerShutDownError, CircuitOpenError, TimeoutError } from './resilience-errors';
import { assertTimeout, withTimeout } from './with-timeout';

export interface ExecuteOptions<T> {
  /** The caller's signal: aborting it aborts the work; the call then counts as `ignored`, not as a failure. */
  readonly signal?: AbortSignal;
  /** This call's time limit instead of the breaker's `timeoutMs`. */
  readonly timeoutMs?: number | false;
  /**
   * Answers instead when the call failed, timed out or was rejected (not for `errorFilter`-excluded
   * errors, which reach the caller as they are). Receives the error, a `CircuitOpenError` when rejected.
   */
  readonly fallback?: (error: unknown) => T | Promise<T>;
}

export interface BreakerDependencies {
  readonly metrics?: BreakerMetrics;
  readonly logger?: BreakerLogger;
}

/** One call handed to opossum; `started` tells a refusal by the breaker from a failure of the work. */
interface Call {
  readonly work: (signal: AbortSignal) => Promise<unknown>;
  readonly signal: AbortSignal | undefined;
  readonly timeoutMs: number | false;
  started: boolean;
}

/**
 * Carries an error that must not count against the dependency through opossum, whose `errorFilter`
 * sees only the error; `execute` unwraps it before the caller sees it.
 */
class ExcludedError extends Error {
  constructor(readonly error: unknown) {
    super('excluded from the breaker statistics');
  }
}

/**
 * A circuit breaker around one dependency, for any call to it. The state machine is opossum's:
 * closed → open when, with at least `volumeThreshold` calls in the rolling window, more than
 * `errorThresholdPercentage` % failed; open → half-open after `resetTimeoutMs`; half-open lets one
 * trial call through and closes on its success or opens again on its failure. Create breakers with
 * `BreakerRegistry.create`.
 */
export class Breaker {
  private readonly circuit: CircuitBreaker<[Call], unknown>;
  private current: BreakerState = 'closed';
  private openedAt = 0;

  constructor(
    readonly name: string,
    readonly options: ResolvedBreakerOptions,
    private readonly deps: BreakerDependencies = {},
  ) {
    this.circuit = new CircuitBreaker((call: Call) => this.run(call), {
      name,
      // Our own per-call timeout aborts the work's signal; opossum's would leave the work running.
      timeout: false,
      errorThresholdPercentage: options.errorThresholdPercentage,
      volumeThreshold: options.volumeThreshold,
      resetTimeout: options.resetTimeoutMs,
      rollingCountTimeout: options.rollingWindowMs,
      rollingCountBuckets: options.rollingBuckets,
      rollingPercentilesEnabled: false,
      enableSnapshots: false,
      errorFilter: (error: unknown) => error instanceof ExcludedError,
    });
    this.circuit.on('open', () => this.moveTo('open'));
    this.circuit.on('halfOpen', () => this.moveTo('half-open'));
    this.circuit.on('close', () => this.moveTo('closed'));
    deps.metrics?.register(name, 'closed');
  }

  get state(): BreakerState {
    return this.current;
  }

  /**
   * Runs `work` through the breaker with a signal that aborts on the time limit or the caller's abort.
   * Rejects with `CircuitOpenError` without calling `work` while the breaker is open, with
   * `TimeoutError` when the time limit passed, otherwise with the work's own error.
   */
  async execute<T>(work: (signal: AbortSignal) => Promise<T>, options: ExecuteOptions<T> = {}): Promise<T> {
    options.signal?.throwIfAborted();
    const timeoutMs = options.timeoutMs ?? this.options.timeoutMs;
    if (timeoutMs !== false) assertTimeout(timeoutMs);
    const call: Call = { work, signal: options.signal, timeoutMs, started: false };
    try {
      const value = (await this.circuit.fire(call)) as T;
      this.count('success');
      return value;
    } catch (thrown) {
      const { outcome, error } = this.classify(thrown, call);
      if (!options.fallback || outcome === 'ignored') {
        this.count(outcome);
        throw error;
      }
      return this.fallBack(options.fallback, outcome, error);
    }
  }

  /** Stops the breaker's timers and refuses every later call with `BreakerShutDownError`. */
  shutdown(): void {
    this.circuit.shutdown();
  }

  private async run(call: Call): Promise<unknown> {
    call.started = true;
    try {
      if (call.timeoutMs === false) return await call.work(call.signal ?? neverAborted());
      return await withTimeout(call.work, call.timeoutMs, { signal: call.signal });
    } catch (error) {
      if (call.signal?.aborted || this.options.errorFilter(error)) throw new ExcludedError(error);
      throw error;
    }
  }

  private classify(thrown: unknown, call: Call): { outcome: CallOutcome; error: unknown } {
    if (thrown instanceof ExcludedError) return { outcome: 'ignored', error: thrown.error };
    if (!call.started) {
      const error = this.circuit.isShutdown ? new BreakerShutDownError(this.name) : new CircuitOpenError(this.name, this.retryAfterMs());
      return { outcome: 'rejected', error };
    }
    return { outcome: thrown instanceof TimeoutError ? 'timeout' : 'failure', error: thrown };
  }

  private async fallBack<T>(fallback: (error: unknown) => T | Promise<T>, outcome: CallOutcome, error: unknown): Promise<T> {
    let value: T;
    try {
      value = await fallback(error);
    } catch (fallbackError) {
      this.count(outcome);
      throw fallbackError;
    }
    this.count('fallback');
    return value;
  }

  /** Time left until the breaker half-opens; unknown while a half-open trial is running. */
  private retryAfterMs(): number | undefined {
    if (this.current !== 'open') return undefined;
    return Math.max(0, this.openedAt + this.options.resetTimeoutMs - Date.now());
  }

  private count(outcome: CallOutcome): void {
    this.deps.metrics?.call(this.name, outcome);
  }

  private moveTo(to: BreakerState): void {
    const from = this.current;
    if (from === to) return;
    this.current = to;
    if (to === 'open') this.openedAt = Date.now();
    this.deps.metrics?.transition(this.name, from, to);
    const logger = this.deps.logger;
    if (!logger) return;
    const fields = { breaker: this.name, from, to };
    if (to === 'open') {
      const { fires, failures } = this.circuit.stats;
      logger.warn(
        { ...fields, windowCalls: fires, windowFailures: failures, resetTimeoutMs: this.options.resetTimeoutMs },
        'circuit breaker opened; calls are refused until it half-opens',
      );
    } else if (to === 'half-open') {
      logger.info(fields, 'circuit breaker half-open; letting one trial call through');
    } else {
      logger.info(fields, 'circuit breaker closed');
    }
  }
}
