export { connectNats, closeNats } from './lib/nats-connection';
export type { ConnectNatsOptions } from './lib/nats-connection';
export { productionTopology, DEFAULT_TOPOLOGY_LIMITS } from './lib/topology';
export type { Topology, StreamSpec, StreamRetention, TopologyLimits } from './lib/topology';
export { ensureStreams } from './lib/stream-provisioner';
export type { EnsuredStream, StreamProvisioning } from './lib/stream-provisioner';
export { JetStreamPublisher, TRACER_NAME } from './lib/jetstream-publisher';
export type { PublishOptions, PublishResult, JetStreamPublisherOptions } from './lib/jetstream-publisher';
export { startConsumer, ConsumerStoppedError } from './lib/durable-consumer';
export type { RunningConsumer } from './lib/durable-consumer';
export { ConsumerLagMetrics, CONSUMER_STATE_TIMEOUT_MS } from './lib/consumer-lag-metrics';
export type { ConsumerLagSource, ConsumerState } from './lib/consumer-lag-metrics';
export type { ConsumerOptions, MessageContext, MessageHandler } from './lib/consumer-options';
export { DEAD_LETTER_HEADERS } from './lib/dead-letters';
export type { DeadLetter, DeadLetterReason, DeadLetterCallback } from './lib/dead-letters';
export { exponentialBackoff, retryDelayMs, DEFAULT_BACKOFF, MAX_RETRY_DELAY_MS } from './lib/backoff';
export type { ExponentialBackoff } from './lib/backoff';
export { injectTraceContext, extractTraceContext, natsHeadersGetter, natsHeadersSetter } from './lib/trace-headers';
export type { MessagingLogger } from './lib/messaging-logger';
export {
  MessagingError,
  NatsConnectError,
  InvalidTopologyError,
  StreamConfigConflictError,
  InvalidConsumerOptionsError,
  ConsumerProvisioningError,
  PublishError,
} from './lib/messaging-errors';
export type { NatsConnection, MsgHdrs } from '@nats-io/transport-node';
