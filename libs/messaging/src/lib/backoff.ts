import { InvalidConsumerOptionsError } from './messaging-errors';

export interface ExponentialBackoff {
  /** first delay */
  readonly initialMs: number;
  /** growth per attempt, >= 1 */
  readonly factor: number;
  /** cap on any single delay */
  readonly maxMs: number;
}

export const DEFAULT_BACKOFF: ExponentialBackoff = { initialMs: 1_000, factor: 2, maxMs: 60_000 };

/** Upper bound on a nak delay; a longer pause belongs in a scheduler, not in a redelivery. */
export const MAX_RETRY_DELAY_MS = 60 * 60 * 1000;

/** `steps` delays growing by `factor` from `initialMs`, none above `maxMs`. */
export function exponentialBackoff(policy: ExponentialBackoff, steps: number): number[] {
  if (!(policy.initialMs > 0) || !(policy.factor >= 1) || !(policy.maxMs >= policy.initialMs)) {
    throw new InvalidConsumerOptionsError('backoff needs initialMs > 0, factor >= 1 and maxMs >= initialMs');
  }
  const delays: number[] = [];
  for (let i = 0; i < Math.max(1, steps); i++) {
    delays.push(Math.min(policy.maxMs, Math.round(policy.initialMs * policy.factor ** i)));
  }
  return delays;
}

/**
 * The pause before redelivering a message whose handler failed on delivery `deliveryCount` (1-based):
 * `backoffMs[deliveryCount - 1]`, the last entry for later deliveries, reduced by up to `jitter`
 * (a fraction in [0, 1]) so that replicas failing together do not retry together. The result lies in
 * `[base * (1 - jitter), base]` and never exceeds `MAX_RETRY_DELAY_MS`.
 */
export function retryDelayMs(deliveryCount: number, backoffMs: readonly number[], jitter = 0.2, random: () => number = Math.random): number {
  if (backoffMs.length === 0) throw new InvalidConsumerOptionsError('backoffMs must list at least one delay');
  const index = Math.min(Math.max(1, Math.floor(deliveryCount)), backoffMs.length) - 1;
  const base = Math.min(Math.max(0, backoffMs[index]), MAX_RETRY_DELAY_MS);
  const spread = Math.min(Math.max(jitter, 0), 1);
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.round(base * (1 - spread * r));
}
