import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import type { MsgHdrs } from '@nats-io/transport-node';
import { publishDeadLetter, type DeadLetter, type DeadLetterCallback, type DeadLetterReason } from './dead-letters';
import type { MaxDeliveries } from './max-deliveries-advisory';
import { errorFields, type MessagingLogger } from './messaging-logger';
import type { MessagingMetrics } from './messaging-metrics';
import { decodePayload } from './payload-codec';
import type { Topology } from './topology';

/** Where a dead letter came from: the message as delivered, or as read back from the stream. */
export interface DeadLetterSource {
  readonly subject: string;
  readonly streamSequence: number;
  readonly deliveries: number;
  readonly data: Uint8Array;
  readonly headers?: MsgHdrs;
}

export interface DeadLetterRouterOptions {
  readonly stream: string;
  readonly consumer: string;
  readonly topology: Topology;
  /** the stream has work-queue retention: an exhausted message must be removed by us */
  readonly workQueue: boolean;
  readonly maxDeliver: number;
  readonly onDeadLetter?: DeadLetterCallback;
  readonly metrics?: MessagingMetrics;
  readonly logger: MessagingLogger;
}

/** Moves the messages of one consumer that cannot be handled to the dead-letter stream. */
export class DeadLetterRouter {
  private readonly labels: { stream: string; consumer: string };

  constructor(
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly options: DeadLetterRouterOptions,
  ) {
    this.labels = { stream: options.stream, consumer: options.consumer };
  }

  letter(reason: DeadLetterReason, detail: string, source: DeadLetterSource): DeadLetter {
    const decoded = decodePayload(source.data);
    return {
      reason,
      detail,
      originalSubject: source.subject,
      deadLetterSubject: this.options.topology.deadLetterSubject(source.subject),
      stream: this.options.stream,
      consumer: this.options.consumer,
      streamSequence: source.streamSequence,
      deliveries: source.deliveries,
      msgId: source.headers?.get('Nats-Msg-Id') || undefined,
      payload: decoded.ok ? decoded.value : undefined,
      data: source.data,
      headers: source.headers,
    };
  }

  /** Stores the letter on the dead-letter stream; throws when it could not be stored. */
  async store(letter: DeadLetter): Promise<void> {
    await publishDeadLetter(this.js, letter);
  }

  /** After a letter is stored: metrics, then the service's callback (whose failure is reported). */
  async stored(letter: DeadLetter): Promise<void> {
    this.options.metrics?.handled.inc({ ...this.labels, outcome: 'dead' });
    this.options.metrics?.deadLetters.inc({ ...this.labels, reason: letter.reason });
    if (!this.options.onDeadLetter) return;
    try {
      await this.options.onDeadLetter(letter);
    } catch (error) {
      this.options.logger.error({ ...this.labels, seq: letter.streamSequence, ...errorFields(error) }, 'onDeadLetter callback failed');
    }
  }

  /** The server gave up on a message (max deliveries): read it by sequence and dead-letter it. */
  async exhausted(advisory: MaxDeliveries): Promise<void> {
    const stored = await this.jsm.streams.getMessage(this.options.stream, { seq: advisory.streamSequence });
    if (!stored) {
      this.options.logger.warn({ ...this.labels, seq: advisory.streamSequence }, 'exhausted message is gone from the stream; not dead-lettered');
      return;
    }
    const letter = this.letter('max_deliveries', `delivered ${advisory.deliveries} times without an ack (maxDeliver ${this.options.maxDeliver})`, {
      subject: stored.subject,
      streamSequence: stored.seq,
      deliveries: advisory.deliveries,
      data: stored.data,
      headers: stored.header,
    });
    await this.store(letter);
    // In a work queue the exhausted message would otherwise stay forever; in other streams it
    // belongs to every consumer and stays.
    if (this.options.workQueue) {
      await this.jsm.streams.deleteMessage(this.options.stream, stored.seq, false).catch((error: unknown) => {
        this.options.logger.warn({ ...this.labels, seq: stored.seq, ...errorFields(error) }, 'dead-lettered message could not be removed from the work queue');
      });
    }
    await this.stored(letter);
  }
}
