import { Injectable } from '@nestjs/common';
import { PermanentStepError, PipelineStepWorker, type StepOutcome } from '@sluice/runtime';

/** Runs data-quality steps. Not part of this version: each step fails with that reason instead of hanging. */
@Injectable()
export class DataQualityStepWorker extends PipelineStepWorker {
  protected readonly kind = 'dq';

  protected async runStep(): Promise<StepOutcome> {
    throw new PermanentStepError('data-quality steps are not available in this version of Sluice');
  }
}
