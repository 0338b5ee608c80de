import { Inject, Injectable } from '@nestjs/common';
import { StepEventMessage, SUBJECTS } from '@sluice/contracts';
import { RunCoordinator } from '@sluice/pipeline-runs';
import { JetStreamWorker, type WorkerDefinition } from '@sluice/runtime';

/** Records the workers' step events; the durable consumer is shared by every orchestrator replica. */
@Injectable()
export class StepEventsWorker extends JetStreamWorker<StepEventMessage> {
  protected readonly definition: WorkerDefinition<StepEventMessage> = {
    durable: 'orchestrator-step-events',
    stream: 'events',
    subject: SUBJECTS.allStepEvents,
    schema: StepEventMessage,
    options: { concurrency: 4 },
  };

  constructor(@Inject(RunCoordinator) private readonly coordinator: RunCoordinator) {
    super();
  }

  protected async handle(event: StepEventMessage): Promise<void> {
    await this.coordinator.onStepEvent(event);
  }
}
