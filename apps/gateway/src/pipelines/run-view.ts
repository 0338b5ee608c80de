import { orchestratorV1, timestampToIso } from '@sluice/contracts';

const strip = (value: string, prefix: string) => (value.startsWith(prefix) ? value.slice(prefix.length) : value);
const count = (value: string | undefined) => (value === undefined ? null : Number(value));

/** A step of a run as API.md shows it. */
export function toStepView(step: orchestratorV1.StepRun) {
  return {
    id: step.id,
    kind: step.kind,
    status: strip(step.status, 'STEP_STATUS_'),
    attempt: step.attempt,
    rowsIn: count(step.rowsIn),
    rowsOut: count(step.rowsOut),
    startedAt: timestampToIso(step.startedAt) ?? null,
    finishedAt: timestampToIso(step.finishedAt) ?? null,
    ...(step.error ? { error: step.error } : {}),
    ...(step.checks.length ? { checks: step.checks } : {}),
    ...(step.output ? { output: step.output } : {}),
  };
}

/** A run as API.md shows it; `steps` only where the orchestrator sent them (not in lists). */
export function toRunView(run: orchestratorV1.Run, withSteps = true) {
  return {
    id: run.id,
    pipeline: run.pipeline,
    version: run.version,
    status: strip(run.status, 'RUN_STATUS_'),
    params: run.params ?? null,
    createdBy: run.createdBy || null,
    createdAt: timestampToIso(run.createdAt) ?? null,
    startedAt: timestampToIso(run.startedAt) ?? null,
    finishedAt: timestampToIso(run.finishedAt) ?? null,
    ...(run.error ? { error: run.error } : {}),
    ...(withSteps ? { steps: run.steps.map(toStepView) } : {}),
  };
}

/** A stored pipeline version as REST shows it. */
export function toPipelineView(pipeline: orchestratorV1.Pipeline) {
  return {
    name: pipeline.name,
    version: pipeline.version,
    definition: pipeline.definition ?? null,
    definitionHash: pipeline.definitionHash || null,
    createdBy: pipeline.createdBy || null,
    createdAt: timestampToIso(pipeline.createdAt) ?? null,
  };
}
