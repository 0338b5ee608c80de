import { Injectable } from '@nestjs/common';
import { PermanentStepError, PipelineStepWorker, type StepOutcome } from '@sluice/runtime';

/** Runs ingest steps. Not part of this version: each step fails with that reason instead of hanging. */
@Injectable()
export class IngestStepWorker extends PipelineStepWorker {
  protected readonly kind = 'ingest';

  protected async runStep(): Promise<StepOutcome> {
    throw new PermanentStepError('ingest steps are not available in this version of Sluice');
  }
}
