import type { CheckResult, StepEventMessage, WarehouseTable } from '@sluice/contracts';
import { mayRetry, type RunPolicy } from './run-policy';
import type { StepStatus } from './run-status';

/** One step of one run as the orchestrator keeps it. */
export interface StepState {
  readonly stepId: string;
  readonly kind: string;
  readonly status: StepStatus;
  /** 0 before the first dispatch */
  readonly attempt: number;
  readonly error: string | null;
  readonly rowsIn: number | null;
  readonly rowsOut: number | null;
  readonly checks: readonly CheckResult[] | null;
  readonly output: (WarehouseTable & { version?: number }) | null;
  readonly dispatchedAt: Date | null;
  readonly startedAt: Date | null;
  /** when the step ended, or when its last attempt failed while it waits for a retry */
  readonly finishedAt: Date | null;
}

/** What a step event changes on a step row. */
export type StepPatch = Partial<Omit<StepState, 'stepId' | 'kind' | 'attempt'>> & { readonly status: StepStatus };

/** The error-severity checks that failed; any one fails its dq step without a retry. */
export function failedErrorChecks(checks: readonly CheckResult[] | undefined | null): CheckResult[] {
  return (checks ?? []).filter((check) => !check.passed && check.severity === 'error');
}

const checkFailureMessage = (failed: readonly CheckResult[]) =>
  `${failed.length} error-severity check${failed.length === 1 ? '' : 's'} failed: ${failed.map((c) => c.name).join(', ')}`.slice(0, 2000);

/**
 * What a worker's event does to a step: undefined for an event of another attempt, for a step that
 * is not in flight (late, duplicate, or after a cancel), and for a repeated `started`. A failed
 * attempt goes back to PENDING (with its error and failure time) while retries are left; a failed
 * error-severity check fails the step at once.
 */
export function stepEventOutcome(step: StepState, event: StepEventMessage, policy: Pick<RunPolicy, 'retries'>): StepPatch | undefined {
  if (step.status !== 'QUEUED' && step.status !== 'RUNNING') return undefined;
  if (event.attempt !== undefined && event.attempt !== step.attempt) return undefined;
  const at = new Date(event.at);
  const counts = {
    ...(event.rowsIn !== undefined ? { rowsIn: event.rowsIn } : {}),
    ...(event.rowsOut !== undefined ? { rowsOut: event.rowsOut } : {}),
    ...(event.checks !== undefined ? { checks: event.checks } : {}),
  };
  const failedChecks = failedErrorChecks(event.checks);
  switch (event.type) {
    case 'started':
      return step.status === 'QUEUED' ? { status: 'RUNNING', startedAt: at } : undefined;
    case 'succeeded':
      if (failedChecks.length > 0) return { status: 'FAILED', error: checkFailureMessage(failedChecks), finishedAt: at, ...counts };
      return { status: 'SUCCEEDED', error: null, finishedAt: at, ...counts, ...(event.output ? { output: event.output } : {}) };
    case 'failed': {
      const error = failedChecks.length > 0 ? checkFailureMessage(failedChecks) : (event.error ?? 'the step failed');
      const retry = failedChecks.length === 0 && mayRetry(policy, step.attempt);
      return { status: retry ? 'PENDING' : 'FAILED', error, finishedAt: at, ...counts };
    }
  }
}
