import { isCallerError } from './error-classification';
import { ResilienceOptionsError } from './resilience-errors';
import { assertTimeout, MAX_TIMER_MS } from './with-timeout';

export interface BreakerOptions {
  /** Time limit of each call; the work's signal aborts and the call counts as a `timeout`. `false` for none. Default 5 000 ms. */
  readonly timeoutMs?: number | false;
  /** The breaker opens when more than this percentage of the calls in the window failed. Default 50. */
  readonly errorThresholdPercentage?: number;
  /** Calls the window must hold before the breaker may open at all. Default 10. */
  readonly volumeThreshold?: number;
  /** How long the breaker stays open before it lets one trial call through (half-open). Default 10 000 ms. */
  readonly resetTimeoutMs?: number;
  /** Length of the rolling window the error percentage is computed over. Default 10 000 ms. */
  readonly rollingWindowMs?: number;
  /** Buckets of the rolling window; `rollingWindowMs` must be a multiple of it. Default 10. */
  readonly rollingBuckets?: number;
  /** `true` for errors that must not count as failures (the caller's fault). Default `isCallerError`. */
  readonly errorFilter?: (error: unknown) => boolean;
}

export type ResolvedBreakerOptions = { readonly [K in keyof BreakerOptions]-?: Exclude<BreakerOptions[K], undefined> };

export const DEFAULT_BREAKER_OPTIONS: ResolvedBreakerOptions = {
  timeoutMs: 5_000,
  errorThresholdPercentage: 50,
  volumeThreshold: 10,
  resetTimeoutMs: 10_000,
  rollingWindowMs: 10_000,
  rollingBuckets: 10,
  errorFilter: isCallerError,
};

/** Breaker names become metric labels and log fields: short, lower-case identifiers chosen by code. */
const BREAKER_NAME = /^[a-z][a-z0-9_.-]{0,63}$/;

export function assertBreakerName(name: string): void {
  if (!BREAKER_NAME.test(name)) {
    throw new ResilienceOptionsError(`breaker name must match ${BREAKER_NAME} (a fixed name chosen by code), got ${JSON.stringify(name)}`);
  }
}

export function resolveBreakerOptions(...layers: (BreakerOptions | undefined)[]): ResolvedBreakerOptions {
  const merged = Object.assign({}, DEFAULT_BREAKER_OPTIONS, ...layers.map(definedOnly)) as ResolvedBreakerOptions;
  if (merged.timeoutMs !== false) assertTimeout(merged.timeoutMs);
  if (!(merged.errorThresholdPercentage > 0 && merged.errorThresholdPercentage <= 100)) {
    throw new ResilienceOptionsError(`errorThresholdPercentage must be in (0, 100], got ${merged.errorThresholdPercentage}`);
  }
  if (!Number.isInteger(merged.volumeThreshold) || merged.volumeThreshold < 0) {
    throw new ResilienceOptionsError(`volumeThreshold must be a non-negative integer, got ${merged.volumeThreshold}`);
  }
  if (!Number.isInteger(merged.resetTimeoutMs) || merged.resetTimeoutMs < 1 || merged.resetTimeoutMs > MAX_TIMER_MS) {
    throw new ResilienceOptionsError(`resetTimeoutMs must be a positive integer, got ${merged.resetTimeoutMs}`);
  }
  const { rollingWindowMs: window, rollingBuckets: buckets } = merged;
  if (!Number.isInteger(buckets) || buckets < 1 || !Number.isInteger(window) || window < buckets || window % buckets !== 0 || window > MAX_TIMER_MS) {
    throw new ResilienceOptionsError(`rollingWindowMs (${window}) must be a positive multiple of rollingBuckets (${buckets})`);
  }
  return merged;
}

function definedOnly(options: BreakerOptions | undefined): Partial<BreakerOptions> {
  return Object.fromEntries(Object.entries(options ?? {}).filter(([, value]) => value !== undefined));
}
