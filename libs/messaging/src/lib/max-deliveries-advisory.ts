import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { z } from 'zod';

const maxDeliveriesAdvisory = z.object({
  stream: z.string(),
  consumer: z.string(),
  stream_seq: z.number().int().positive(),
  deliveries: z.number().int().nonnegative(),
});

export interface MaxDeliveries {
  readonly streamSequence: number;
  readonly deliveries: number;
}

export function maxDeliveriesSubject(stream: string, durable: string): string {
  return `$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.${stream}.${durable}`;
}

/**
 * Calls `onAdvisory` for each message of `stream` that `durable` delivered `max_deliver` times
 * without an ack. Replicas of a service join one queue group, so each advisory is handled once.
 * Advisories are core NATS messages: one sent while no replica listens is lost (see README).
 */
export function watchMaxDeliveries(
  nc: NatsConnection,
  stream: string,
  durable: string,
  onAdvisory: (advisory: MaxDeliveries) => void,
  onInvalid: (reason: string) => void,
): Subscription {
  return nc.subscribe(maxDeliveriesSubject(stream, durable), {
    queue: `sluice-dlq-${durable}`,
    callback: (error, msg) => {
      if (error) return onInvalid(error.message);
      let body: unknown;
      try {
        body = msg.json();
      } catch {
        return onInvalid('advisory body is not JSON');
      }
      const parsed = maxDeliveriesAdvisory.safeParse(body);
      if (!parsed.success) return onInvalid(`unexpected advisory: ${parsed.error.message}`);
      onAdvisory({ streamSequence: parsed.data.stream_seq, deliveries: parsed.data.deliveries });
    },
  });
}
