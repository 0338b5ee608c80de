import type { DqStep, Pipeline, PipelineStep } from './pipeline-schema';
import { PipelineSpecUsageError } from './pipeline-spec-errors';
import { dependenciesOf } from './step-dependencies';
import { topologicalOrder } from './topological-order';

export interface BlockedStep {
  readonly id: string;
  /** The failed step upstream that stops this one (reached through the first failed or blocked dependency). */
  readonly blockedBy: string;
  /** `check_failed` when that step is a dq step with an error-severity check; otherwise `upstream_failed`. */
  readonly reason: 'check_failed' | 'upstream_failed';
}

export interface ReadySet {
  /** Steps whose dependencies all succeeded and that are not running or finished: start these. */
  readonly ready: readonly string[];
  /** Steps that can never run in this run because something upstream failed. */
  readonly blocked: readonly BlockedStep[];
  /** Steps waiting for running or not-yet-started dependencies. */
  readonly waiting: readonly string[];
  /** True when nothing is ready, running or waiting: the run is over. */
  readonly finished: boolean;
}

/**
 * What the orchestrator can do next. `done` holds steps that succeeded (a dq step whose failed
 * checks were all `warn` counts as done, see dqStepOutcome), `failed` those that failed. Every id
 * lies in at most one set. Lists follow topologicalOrder.
 */
export function readySteps(
  pipeline: Pick<Pipeline, 'steps'>,
  done: ReadonlySet<string>,
  running: ReadonlySet<string>,
  failed: ReadonlySet<string>,
): ReadySet {
  const stepsById = new Map(pipeline.steps.map((step) => [step.id, step]));
  for (const [name, set] of [['done', done], ['running', running], ['failed', failed]] as const) {
    for (const id of set) if (!stepsById.has(id)) throw new PipelineSpecUsageError(`readySteps: ${name} names unknown step ${id}`);
  }
  const ready: string[] = [];
  const waiting: string[] = [];
  const blocked: BlockedStep[] = [];
  const blockedBy = new Map<string, string>();
  for (const id of topologicalOrder(pipeline)) {
    if (done.has(id) || running.has(id) || failed.has(id)) continue;
    const dependencies = dependenciesOf(stepsById.get(id) as PipelineStep);
    const cause = dependencies.find((dependency) => failed.has(dependency) || blockedBy.has(dependency));
    if (cause !== undefined) {
      const root = failed.has(cause) ? cause : (blockedBy.get(cause) as string);
      blockedBy.set(id, root);
      blocked.push({ id, blockedBy: root, reason: haltsOnCheckFailure(stepsById.get(root) as PipelineStep) ? 'check_failed' : 'upstream_failed' });
    } else if (dependencies.every((dependency) => done.has(dependency))) {
      ready.push(id);
    } else {
      waiting.push(id);
    }
  }
  return { ready, blocked, waiting, finished: ready.length === 0 && waiting.length === 0 && running.size === 0 };
}

export type DqOutcome = 'passed' | 'warned' | 'failed';

/**
 * A dq step's outcome from the indexes of its failed checks: `failed` when any failed check has
 * severity `error` (its dependents must not run), `warned` when only `warn` checks failed.
 */
export function dqStepOutcome(step: DqStep, failedCheckIndexes: Iterable<number>): DqOutcome {
  let outcome: DqOutcome = 'passed';
  for (const index of failedCheckIndexes) {
    const check = step.checks[index];
    if (check === undefined) throw new PipelineSpecUsageError(`dqStepOutcome: step ${step.id} has no check ${index}`);
    if (check.severity === 'error') return 'failed';
    outcome = 'warned';
  }
  return outcome;
}

function haltsOnCheckFailure(step: PipelineStep): boolean {
  return step.kind === 'dq' && step.checks.some((check) => check.severity === 'error');
}
