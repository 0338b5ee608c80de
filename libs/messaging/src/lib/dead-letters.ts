import type { JetStreamClient } from '@nats-io/jetstream';
import { headers as natsHeaders, type MsgHdrs } from '@nats-io/transport-node';

/**
 * Why a message was dead-lettered: its payload can never be handled (`invalid_payload`), its
 * handler failed on the last allowed delivery (`handler_failed`), or it was delivered `maxDeliver`
 * times without an ack, e.g. the worker died or hung each time (`max_deliveries`).
 */
export type DeadLetterReason = 'invalid_payload' | 'handler_failed' | 'max_deliveries';

export interface DeadLetter {
  readonly reason: DeadLetterReason;
  /** human-readable detail: validation issues, the handler's error message... */
  readonly detail: string;
  readonly originalSubject: string;
  readonly deadLetterSubject: string;
  readonly stream: string;
  readonly consumer: string;
  readonly streamSequence: number;
  readonly deliveries: number;
  readonly msgId?: string;
  /** the body parsed as JSON, or undefined when it is not JSON */
  readonly payload: unknown;
  readonly data: Uint8Array;
  readonly headers?: MsgHdrs;
}

export type DeadLetterCallback = (letter: DeadLetter) => void | Promise<void>;

/** Headers set on every dead-lettered message, next to the original's own headers. */
export const DEAD_LETTER_HEADERS = {
  subject: 'Sluice-Dlq-Original-Subject',
  stream: 'Sluice-Dlq-Stream',
  consumer: 'Sluice-Dlq-Consumer',
  sequence: 'Sluice-Dlq-Stream-Sequence',
  deliveries: 'Sluice-Dlq-Deliveries',
  reason: 'Sluice-Dlq-Reason',
  detail: 'Sluice-Dlq-Detail',
  msgId: 'Sluice-Dlq-Msg-Id',
} as const;

const MAX_DETAIL_LENGTH = 512;

/** Header values are one line; a long stack or validation report is cut rather than rejected. */
export function headerSafe(value: string): string {
  const line = value.replace(/[\r\n]+/g, ' ').trim();
  return line.length > MAX_DETAIL_LENGTH ? `${line.slice(0, MAX_DETAIL_LENGTH - 1)}…` : line;
}

export function deadLetterHeaders(letter: DeadLetter): MsgHdrs {
  const hdrs = natsHeaders();
  // Keep the original's headers (trace context, caller's own), but not the server's Nats-* ones:
  // a copied Nats-Msg-Id would collide with dead letters of other streams.
  for (const key of letter.headers?.keys() ?? []) {
    if (key.toLowerCase().startsWith('nats-')) continue;
    for (const value of letter.headers?.values(key) ?? []) hdrs.append(key, value);
  }
  hdrs.set(DEAD_LETTER_HEADERS.subject, letter.originalSubject);
  hdrs.set(DEAD_LETTER_HEADERS.stream, letter.stream);
  hdrs.set(DEAD_LETTER_HEADERS.consumer, letter.consumer);
  hdrs.set(DEAD_LETTER_HEADERS.sequence, String(letter.streamSequence));
  hdrs.set(DEAD_LETTER_HEADERS.deliveries, String(letter.deliveries));
  hdrs.set(DEAD_LETTER_HEADERS.reason, letter.reason);
  hdrs.set(DEAD_LETTER_HEADERS.detail, headerSafe(letter.detail));
  if (letter.msgId) hdrs.set(DEAD_LETTER_HEADERS.msgId, headerSafe(letter.msgId));
  return hdrs;
}

/**
 * Stores the letter on the dead-letter stream. Its msgId is `<stream>:<sequence>`, so when two
 * paths (or two replicas) dead-letter the same message inside the window, it is stored once.
 * Returns whether it was such a duplicate.
 */
export async function publishDeadLetter(js: JetStreamClient, letter: DeadLetter, timeoutMs = 5_000): Promise<boolean> {
  const ack = await js.publish(letter.deadLetterSubject, letter.data, {
    headers: deadLetterHeaders(letter),
    msgID: `${letter.stream}:${letter.streamSequence}`,
    timeout: timeoutMs,
  });
  return ack.duplicate;
}
