import type { PipelineStepJobMessage, WarehouseTable } from '@sluice/contracts';
import { analyzeSql, renderSql, TransformStep } from '@sluice/pipeline-spec';
import { tenantSchema } from '@sluice/warehouse';

/** A job that can never run: not a valid transform step, SQL the parser refuses, or a table it cannot have. */
export class TransformJobError extends Error {}

/** Everything a transform needs, checked: the step, its rendered SELECT and where it writes. */
export interface TransformPlan {
  readonly tenantId: string;
  readonly runId: string;
  readonly stepId: string;
  readonly pipeline: string;
  readonly pipelineVersion: number;
  readonly step: TransformStep;
  readonly query: string;
  readonly target: WarehouseTable;
}

/**
 * The plan for a `jobs.pipeline.transform` message. The SQL is checked again with the PostgreSQL
 * parser (the worker does not take the stored definition on trust) and rendered with each ref()
 * as the table the orchestrator resolved, which must lie in the job's own tenant schema.
 */
export async function planTransform(job: PipelineStepJobMessage): Promise<TransformPlan> {
  const parsed = TransformStep.safeParse(job.step);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new TransformJobError(`invalid transform step: ${issue.path.join('.') || '(step)'}: ${issue.message}`);
  }
  const step = parsed.data;
  const analysis = await analyzeSql(step.sql, 'transform');
  if (!analysis.ok) throw new TransformJobError(`sql refused: ${analysis.message}`);
  const schema = tenantSchema(job.tenantId);
  const query = renderSql(step.sql, (target) => {
    if (target.kind !== 'ref') throw new TransformJobError('transform SQL reads its inputs with ref()');
    const table = job.tables[target.step];
    if (!table) throw new TransformJobError(`the job names no table for ref('${target.step}')`);
    if (table.schema !== schema) throw new TransformJobError(`ref('${target.step}') is not in the tenant's schema`);
    return table;
  });
  return {
    tenantId: job.tenantId,
    runId: job.runId,
    stepId: job.stepId,
    pipeline: job.pipeline,
    pipelineVersion: job.version,
    step,
    query,
    target: { schema, table: step.output.table },
  };
}
