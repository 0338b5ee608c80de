import { PipelineStepJobMessage, RunEventMessage, SUBJECTS, type PipelineStepKind, type RunEventType } from '@sluice/contracts';
import type { Pipeline } from '@sluice/pipeline-spec';
import { stepInputTables } from '@sluice/warehouse';
import type { RunStatus } from './run-status';
import type { StepState } from './step-state';

/** What the publisher needs: a logical subject, a payload and a dedupe id. */
export interface RunMessagePublisher {
  publish(subject: string, payload: object, options?: { msgId?: string }): Promise<unknown>;
}

export interface RunIdentity {
  readonly id: string;
  readonly tenantId: string;
  readonly pipeline: string;
  readonly version: number;
  readonly params: Record<string, unknown> | null;
}

/** The job of one attempt of one step; its message id `<run>:<step>:<attempt>` makes a repeated dispatch harmless. */
export function stepJob(run: RunIdentity, pipeline: Pipeline, stepId: string, attempt: number): { subject: string; msgId: string; job: PipelineStepJobMessage } {
  const step = pipeline.steps.find((candidate) => candidate.id === stepId);
  if (!step) throw new TypeError(`pipeline ${pipeline.name} has no step ${stepId}`);
  const job = PipelineStepJobMessage.parse({
    runId: run.id,
    stepId,
    tenantId: run.tenantId,
    pipeline: run.pipeline,
    version: run.version,
    attempt,
    step,
    tables: stepInputTables(run.tenantId, pipeline, stepId),
    ...(run.params ? { params: run.params } : {}),
  });
  return { subject: SUBJECTS.pipelineJob(step.kind as PipelineStepKind), msgId: `${run.id}:${stepId}:${attempt}`, job };
}


/** A run event for SSE and the CLI: the run's status after the change and, for `step`, that step's new state. */
export function runEvent(
  run: Pick<RunIdentity, 'id' | 'tenantId' | 'pipeline'>,
  type: RunEventType,
  status: RunStatus,
  extra: { step?: StepState; error?: string | null; at?: Date } = {},
): { subject: string; event: RunEventMessage } {
  const step = extra.step;
  const event = RunEventMessage.parse({
    runId: run.id,
    tenantId: run.tenantId,
    pipeline: run.pipeline,
    type,
    at: (extra.at ?? new Date()).toISOString(),
    status,
    ...(step
      ? {
          step: {
            id: step.stepId,
            status: step.status,
            attempt: step.attempt,
            ...(step.rowsIn !== null ? { rowsIn: step.rowsIn } : {}),
            ...(step.rowsOut !== null ? { rowsOut: step.rowsOut } : {}),
            ...(step.error ? { error: step.error.slice(0, 2000) } : {}),
          },
        }
      : {}),
    ...(extra.error ? { error: extra.error.slice(0, 2000) } : {}),
  });
  return { subject: SUBJECTS.runEvent(run.id, type), event };
}

