import { orchestratorV1, toOptionalTimestamp, toTimestamp } from '@sluice/contracts';
import type { RunRecord, StepState } from '@sluice/pipeline-runs';

function toStepMessage(step: StepState): orchestratorV1.StepRun {
  return {
    id: step.stepId,
    kind: step.kind,
    status: `STEP_STATUS_${step.status}` as orchestratorV1.StepStatus,
    attempt: step.attempt,
    ...(step.rowsIn !== null ? { rowsIn: String(step.rowsIn) } : {}),
    ...(step.rowsOut !== null ? { rowsOut: String(step.rowsOut) } : {}),
    error: step.error ?? '',
    checks: (step.checks ?? []).map((check) => ({ ...check })),
    output: step.output ? { ...step.output } : undefined,
    dispatchedAt: toOptionalTimestamp(step.dispatchedAt),
    startedAt: toOptionalTimestamp(step.startedAt),
    finishedAt: toOptionalTimestamp(step.finishedAt),
  };
}

/** A run (with its steps unless listed) as the gRPC message. */
export function toRunMessage(run: RunRecord, withSteps = true): orchestratorV1.Run {
  return {
    id: run.id,
    pipeline: run.pipeline,
    version: run.version,
    status: `RUN_STATUS_${run.status}` as orchestratorV1.RunStatus,
    params: run.params ?? undefined,
    createdBy: run.createdBy ?? '',
    error: run.error ?? '',
    createdAt: toTimestamp(run.createdAt),
    startedAt: toOptionalTimestamp(run.startedAt),
    finishedAt: toOptionalTimestamp(run.finishedAt),
    steps: withSteps ? run.steps.map(toStepMessage) : [],
  };
}
