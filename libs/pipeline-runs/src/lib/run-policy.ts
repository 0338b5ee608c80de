/** How the orchestrator runs the steps of a run. */
export interface RunPolicy {
  /** steps of one run handed to workers at the same time */
  readonly concurrency: number;
  /** further attempts after a failed or timed-out one (a failed error-severity check is never retried) */
  readonly retries: number;
  /** an attempt with no succeeded/failed event this long after its dispatch is retried or failed */
  readonly stepTimeoutMs: number;
  /** pause before the first retry; doubles with each further one, up to MAX_RETRY_BACKOFF_MS */
  readonly retryBackoffMs: number;
  /** lease of the run lock (extended automatically while the owner lives) */
  readonly lockTtlMs: number;
  /** how often an owner looks at its runs without being woken by an event */
  readonly tickMs: number;
  /** how often a replica looks for interrupted runs and runs whose owner is gone */
  readonly resumeScanMs: number;
}

export const DEFAULT_RUN_POLICY: RunPolicy = {
  concurrency: 4,
  retries: 2,
  stepTimeoutMs: 600_000,
  retryBackoffMs: 2_000,
  lockTtlMs: 15_000,
  tickMs: 1_000,
  resumeScanMs: 5_000,
};

export const MAX_RETRY_BACKOFF_MS = 60_000;

/** Pause after the failure of `attempt` (1-based) before the next one. */
export function retryBackoffMs(policy: Pick<RunPolicy, 'retryBackoffMs'>, attempt: number): number {
  return Math.min(MAX_RETRY_BACKOFF_MS, policy.retryBackoffMs * 2 ** Math.max(0, attempt - 1));
}

/** Whether a failed or timed-out `attempt` may be followed by another one. */
export const mayRetry = (policy: Pick<RunPolicy, 'retries'>, attempt: number): boolean => attempt < 1 + policy.retries;
