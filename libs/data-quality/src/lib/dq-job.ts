import type { PipelineStepJobMessage } from '@sluice/contracts';
import { DqStep } from '@sluice/pipeline-spec';
import type { DqStepInput } from './check-runner';

/** A job that can never run: its step is not a valid dq step, or its input table is missing. */
export class DqJobError extends Error {}

/** The step definition and input table of a `jobs.pipeline.dq` message. */
export function dqStepInput(job: PipelineStepJobMessage): DqStepInput {
  const parsed = DqStep.safeParse(job.step);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new DqJobError(`invalid dq step: ${issue.path.join('.') || '(step)'}: ${issue.message}`);
  }
  const table = job.tables[parsed.data.input];
  if (!table) throw new DqJobError(`the job names no table for the input step ${parsed.data.input}`);
  return { runId: job.runId, step: parsed.data, table };
}
