import { Injectable } from '@nestjs/common';
import { PermanentStepError, PipelineStepWorker, type StepOutcome } from '@sluice/runtime';

/** Runs transform steps. Not part of this version: each step fails with that reason instead of hanging. */
@Injectable()
export class TransformStepWorker extends PipelineStepWorker {
  protected readonly kind = 'transform';

  protected async runStep(): Promise<StepOutcome> {
    throw new PermanentStepError('transform steps are not available in this version of Sluice');
  }
}
