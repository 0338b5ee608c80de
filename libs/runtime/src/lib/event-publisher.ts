import type { JetStreamPublisher, PublishOptions, PublishResult, Topology } from '@sluice/messaging';

/** Publishes to logical subjects (`jobs.scrape`), placed in this installation's namespace. */
export class EventPublisher {
  constructor(
    private readonly publisher: JetStreamPublisher,
    private readonly topology: Topology,
  ) {}

  publish(logicalSubject: string, payload: object, options?: PublishOptions): Promise<PublishResult> {
    return this.publisher.publish(this.topology.subject(logicalSubject), payload, options);
  }
}
