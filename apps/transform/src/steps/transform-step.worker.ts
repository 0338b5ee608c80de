import { Inject, Injectable } from '@nestjs/common';
import type { PipelineStepJobMessage } from '@sluice/contracts';
import { PermanentStepError, PipelineRowsMetrics, PipelineStepWorker, type StepOutcome } from '@sluice/runtime';
import { planTransform, TransformJobError, TransformWriteError, TransformWriter } from '@sluice/transform';

/**
 * Runs transform steps: the SELECT inside PostgreSQL into the tenant's target table, with its
 * lineage in the same transaction. A redelivered step that already wrote reports that version and
 * writes nothing.
 */
@Injectable()
export class TransformStepWorker extends PipelineStepWorker {
  protected readonly kind = 'transform';

  constructor(
    @Inject(TransformWriter) private readonly writer: TransformWriter,
    private readonly rows: PipelineRowsMetrics,
  ) {
    super();
  }

  protected async runStep(job: PipelineStepJobMessage): Promise<StepOutcome> {
    try {
      const result = await this.writer.run(await planTransform(job));
      if (!result.alreadyDone) {
        this.rows.record('transform', { in: result.rowsIn, out: result.rowsOut });
      }
      return { rowsIn: result.rowsIn, rowsOut: result.rowsOut, output: result.output };
    } catch (error) {
      if (error instanceof TransformJobError || error instanceof TransformWriteError) throw new PermanentStepError(error.message);
      throw error;
    }
  }
}
