import { Injectable } from '@nestjs/common';
import type { PipelineStepJobMessage } from '@sluice/contracts';
import { IngestInputError, runIngestStep } from '@sluice/ingest';
import type { MessageContext } from '@sluice/messaging';
import { PermanentStepError, PipelineRowsMetrics, PipelineStepWorker, type StepOutcome } from '@sluice/runtime';
import { isPermanentSqlError } from '@sluice/warehouse';
import { IngestContextProvider } from './ingest-context.provider';

/**
 * Runs ingest steps: the source streamed into the step's staging table (rows that do not fit
 * into its reject table), swapped in atomically. Input that cannot be ingested and SQL the data
 * itself breaks fail the step; anything else (a database or scraper outage) is redelivered.
 */
@Injectable()
export class IngestStepWorker extends PipelineStepWorker {
  protected readonly kind = 'ingest';

  constructor(
    private readonly resources: IngestContextProvider,
    private readonly rows: PipelineRowsMetrics,
  ) {
    super();
  }

  protected async runStep(job: PipelineStepJobMessage, ctx: MessageContext): Promise<StepOutcome> {
    const started = performance.now();
    try {
      const result = await runIngestStep(job, this.resources.context, { signal: ctx.signal });
      this.rows.record('ingest', { in: result.rowsIn, out: result.rowsOut, rejected: result.rejected });
      const { rowsIn, rowsOut, rejected } = result;
      this.logger.info({ runId: job.runId, stepId: job.stepId, rowsIn, rowsOut, rejected, durationMs: Math.round(performance.now() - started) }, 'ingest step loaded');
      return { rowsIn: result.rowsIn, rowsOut: result.rowsOut, output: result.staging };
    } catch (error) {
      if (error instanceof IngestInputError) throw new PermanentStepError(error.message);
      if (isPermanentSqlError(error)) throw new PermanentStepError(`the database refused the load: ${error.message}`);
      throw error;
    }
  }
}
