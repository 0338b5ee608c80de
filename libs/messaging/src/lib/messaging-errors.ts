/** Base of every error this library throws, so callers can tell messaging failures apart. */
export class MessagingError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The first connection to NATS did not succeed within the bounded wait. */
export class NatsConnectError extends MessagingError {}

/** A topology description is not valid (bad namespace, empty subjects, overlapping names). */
export class InvalidTopologyError extends MessagingError {}

/**
 * An existing stream differs from the topology in a way the server cannot update in place
 * (retention or storage); an operator has to migrate it.
 */
export class StreamConfigConflictError extends MessagingError {
  constructor(
    readonly stream: string,
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** Consumer options that cannot work (non-positive ack wait, empty backoff, unknown stream...). */
export class InvalidConsumerOptionsError extends MessagingError {}

/** The durable consumer could not be created or brought in line with the requested config. */
export class ConsumerProvisioningError extends MessagingError {}

/** JetStream did not store a published message. */
export class PublishError extends MessagingError {
  constructor(
    readonly subject: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
