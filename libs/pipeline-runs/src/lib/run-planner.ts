import { readySteps, type Pipeline } from '@sluice/pipeline-spec';
import { mayRetry, retryBackoffMs, type RunPolicy } from './run-policy';
import type { RunStatus, StepStatus } from './run-status';
import type { StepState } from './step-state';

/** One decision of a run's owner; applied in order, in one transaction, under the owner's fence. */
export type PlanAction =
  | { readonly type: 'start' }
  | { readonly type: 'timeout'; readonly stepId: string; readonly attempt: number; readonly next: 'PENDING' | 'FAILED'; readonly error: string }
  | { readonly type: 'skip'; readonly stepId: string; readonly error: string }
  | { readonly type: 'dispatch'; readonly stepId: string; readonly attempt: number }
  | { readonly type: 'finish'; readonly status: 'SUCCEEDED' | 'FAILED'; readonly error: string | null };

export interface RunSnapshot {
  readonly status: RunStatus;
  readonly steps: readonly StepState[];
}

type Planned = Pick<StepState, 'stepId' | 'attempt' | 'dispatchedAt' | 'finishedAt'> & { status: StepStatus };

/**
 * The next moves of a run: start it, time out attempts that went silent, skip steps that can never
 * run, dispatch ready steps up to the concurrency limit (a retry only once its backoff is over),
 * and finish the run when nothing is left to do. Pure: the same snapshot and time give the same plan.
 */
export function planRun(pipeline: Pick<Pipeline, 'steps'>, run: RunSnapshot, now: Date, policy: RunPolicy): PlanAction[] {
  if (run.status !== 'QUEUED' && run.status !== 'RUNNING') return [];
  const actions: PlanAction[] = run.status === 'QUEUED' ? [{ type: 'start' }] : [];
  const steps = new Map<string, Planned>(run.steps.map((s) => [s.stepId, { ...s }]));

  for (const step of steps.values()) {
    if ((step.status !== 'QUEUED' && step.status !== 'RUNNING') || !step.dispatchedAt) continue;
    if (now.getTime() - step.dispatchedAt.getTime() < policy.stepTimeoutMs) continue;
    const next = mayRetry(policy, step.attempt) ? 'PENDING' : 'FAILED';
    const error = `attempt ${step.attempt} sent no result within ${policy.stepTimeoutMs} ms`;
    actions.push({ type: 'timeout', stepId: step.stepId, attempt: step.attempt, next, error });
    Object.assign(step, { status: next, finishedAt: now });
  }

  const ids = (...statuses: StepStatus[]) => new Set([...steps.values()].filter((s) => statuses.includes(s.status)).map((s) => s.stepId));
  const running = ids('QUEUED', 'RUNNING');
  const failed = ids('FAILED', 'SKIPPED', 'CANCELLED');
  const ready = readySteps(pipeline, ids('SUCCEEDED'), running, failed);

  for (const blocked of ready.blocked) {
    const step = steps.get(blocked.id);
    if (step?.status !== 'PENDING') continue;
    const why = blocked.reason === 'check_failed' ? 'a check of step' : 'step';
    actions.push({ type: 'skip', stepId: blocked.id, error: `skipped: ${why} ${blocked.blockedBy} failed` });
    step.status = 'SKIPPED';
  }

  let slots = policy.concurrency - running.size;
  let waitingForRetry = false;
  for (const id of ready.ready) {
    const step = steps.get(id);
    if (step?.status !== 'PENDING') continue;
    if (step.attempt > 0 && step.finishedAt && now.getTime() < step.finishedAt.getTime() + retryBackoffMs(policy, step.attempt)) {
      waitingForRetry = true;
      continue;
    }
    if (slots <= 0) break;
    actions.push({ type: 'dispatch', stepId: id, attempt: step.attempt + 1 });
    slots--;
  }

  if (ready.finished && !waitingForRetry) {
    const broken = [...steps.values()].filter((s) => s.status === 'FAILED').map((s) => s.stepId);
    actions.push(broken.length ? { type: 'finish', status: 'FAILED', error: `step${broken.length === 1 ? '' : 's'} failed: ${broken.join(', ')}` } : { type: 'finish', status: 'SUCCEEDED', error: null });
  }
  return actions;
}
