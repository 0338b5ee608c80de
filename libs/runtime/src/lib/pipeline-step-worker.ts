import { Inject } from '@nestjs/common';
import {
  PipelineStepJobMessage,
  SluiceError,
  SUBJECTS,
  type PipelineStepKind,
  type StepEventMessage,
  type StepEventType,
} from '@sluice/contracts';
import type { MessageContext } from '@sluice/messaging';
import { EventPublisher } from './event-publisher';
import { JetStreamWorker, type WorkerDefinition } from './jetstream-worker';
import { PUBLISHER } from './tokens';

export interface StepOutcome {
  readonly rowsIn: number;
  readonly rowsOut: number;
  readonly checks?: StepEventMessage['checks'];
  readonly output?: StepEventMessage['output'];
}

/** A step that cannot succeed however often it is retried (bad input, missing feature). */
export class PermanentStepError extends SluiceError {
  constructor(message: string) {
    super('FAILED_PRECONDITION', message);
  }
}

/** A step that ran and must be reported as failed with what it found (a dq step whose error-severity check failed). */
export class StepFailedWithChecks extends PermanentStepError {
  constructor(
    message: string,
    readonly checks: NonNullable<StepEventMessage['checks']>,
    readonly rowsIn?: number,
  ) {
    super(message);
  }
}

/**
 * Runs pipeline steps of one kind from `jobs.pipeline.<kind>` and reports them on
 * `events.step.<run>.<step>.*`. A permanent failure is reported and acknowledged; any other error
 * is rethrown so the message is redelivered with backoff.
 */
export abstract class PipelineStepWorker extends JetStreamWorker<PipelineStepJobMessage> {
  @Inject(PUBLISHER) private readonly events!: EventPublisher;

  protected abstract readonly kind: PipelineStepKind;
  protected abstract runStep(job: PipelineStepJobMessage, ctx: MessageContext): Promise<StepOutcome>;

  protected get definition(): WorkerDefinition<PipelineStepJobMessage> {
    return { durable: `${this.kind}-worker`, stream: 'jobs', subject: SUBJECTS.pipelineJob(this.kind), schema: PipelineStepJobMessage };
  }

  protected async handle(job: PipelineStepJobMessage, ctx: MessageContext): Promise<void> {
    await this.emit(job, 'started');
    try {
      const outcome = await this.runStep(job, ctx);
      await this.emit(job, 'succeeded', outcome);
    } catch (error) {
      if (!(error instanceof PermanentStepError)) throw error;
      const found = error instanceof StepFailedWithChecks ? { checks: error.checks, rowsIn: error.rowsIn } : {};
      await this.emit(job, 'failed', { error: error.message, ...found });
    }
  }

  private emit(job: PipelineStepJobMessage, type: StepEventType, extra: Partial<StepEventMessage> = {}) {
    const { runId, stepId, tenantId, attempt } = job;
    const event: StepEventMessage = { runId, stepId, tenantId, attempt, type, at: new Date().toISOString(), ...extra };
    // The attempt is part of the id: a retry's events must not be dropped as duplicates of the last try's.
    return this.events.publish(SUBJECTS.stepEvent(runId, stepId, type), event, { msgId: `${runId}:${stepId}:${attempt}:${type}` });
  }
}
