import { AckPolicy, DeliverPolicy, JetStreamApiError, ReplayPolicy, type ConsumerInfo, type JetStreamManager } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { ConsumerProvisioningError } from './messaging-errors';

export interface DurableConsumerSpec {
  readonly stream: string;
  readonly durable: string;
  readonly filterSubject: string;
  readonly maxDeliver: number;
  readonly ackWaitMs: number;
}

const CONSUMER_NOT_FOUND = 10014;

/**
 * Creates the durable pull consumer with explicit acks, or updates the fields we own when they
 * drifted. Redelivery pacing after a failed handler is done by the client (`nak(delay)`), so the
 * consumer has no server-side `backoff` (which would also replace `ack_wait`).
 */
export async function ensureConsumer(jsm: JetStreamManager, spec: DurableConsumerSpec): Promise<ConsumerInfo> {
  const existing = await consumerInfo(jsm, spec);
  if (!existing) {
    try {
      return await jsm.consumers.add(spec.stream, {
        durable_name: spec.durable,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
        replay_policy: ReplayPolicy.Instant,
        filter_subject: spec.filterSubject,
        max_deliver: spec.maxDeliver,
        ack_wait: nanos(spec.ackWaitMs),
      });
    } catch (error) {
      // A replica starting at the same moment may have created it; then reconcile with that one.
      const winner = await consumerInfo(jsm, spec);
      if (!winner) throw new ConsumerProvisioningError(`could not create consumer ${spec.stream}/${spec.durable}: ${message(error)}`, { cause: error });
      return reconcile(jsm, spec, winner);
    }
  }
  return reconcile(jsm, spec, existing);
}

async function reconcile(jsm: JetStreamManager, spec: DurableConsumerSpec, info: ConsumerInfo): Promise<ConsumerInfo> {
  const config = info.config;
  if (config.ack_policy !== AckPolicy.Explicit) {
    throw new ConsumerProvisioningError(`consumer ${spec.stream}/${spec.durable} exists with ack policy "${config.ack_policy}", not explicit`);
  }
  if (config.deliver_subject) {
    throw new ConsumerProvisioningError(`consumer ${spec.stream}/${spec.durable} exists as a push consumer`);
  }
  const drifted =
    config.filter_subject !== spec.filterSubject ||
    config.max_deliver !== spec.maxDeliver ||
    config.ack_wait !== nanos(spec.ackWaitMs) ||
    (config.backoff?.length ?? 0) > 0;
  if (!drifted) return info;
  try {
    return await jsm.consumers.update(spec.stream, spec.durable, {
      filter_subject: spec.filterSubject,
      max_deliver: spec.maxDeliver,
      ack_wait: nanos(spec.ackWaitMs),
      backoff: [],
    });
  } catch (error) {
    throw new ConsumerProvisioningError(`could not update consumer ${spec.stream}/${spec.durable}: ${message(error)}`, { cause: error });
  }
}

async function consumerInfo(jsm: JetStreamManager, spec: DurableConsumerSpec): Promise<ConsumerInfo | undefined> {
  try {
    return await jsm.consumers.info(spec.stream, spec.durable);
  } catch (error) {
    if (error instanceof JetStreamApiError && error.code === CONSUMER_NOT_FOUND) return undefined;
    throw error;
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
