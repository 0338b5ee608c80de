import { Inject, Injectable } from '@nestjs/common';
import type { PipelineStepJobMessage } from '@sluice/contracts';
import { DqCheckRunner, DqInputError, DqJobError, dqStepInput } from '@sluice/data-quality';
import { PermanentStepError, PipelineStepWorker, StepFailedWithChecks, type StepOutcome } from '@sluice/runtime';

/**
 * Runs data-quality steps: every check inside PostgreSQL. A failed error-severity check fails the
 * step and still reports every check's result; failed warn checks only show in the results.
 */
@Injectable()
export class DataQualityStepWorker extends PipelineStepWorker {
  protected readonly kind = 'dq';

  constructor(@Inject(DqCheckRunner) private readonly runner: DqCheckRunner) {
    super();
  }

  protected async runStep(job: PipelineStepJobMessage): Promise<StepOutcome> {
    try {
      const report = await this.runner.run(dqStepInput(job));
      if (report.failedErrors.length > 0) {
        throw new StepFailedWithChecks(`failed checks: ${report.failedErrors.join(', ')}`.slice(0, 2000), report.checks, report.rowsIn);
      }
      // A dq step writes nothing.
      return { rowsIn: report.rowsIn, rowsOut: 0, checks: report.checks };
    } catch (error) {
      if (error instanceof DqJobError || error instanceof DqInputError) throw new PermanentStepError(error.message);
      throw error;
    }
  }
}
