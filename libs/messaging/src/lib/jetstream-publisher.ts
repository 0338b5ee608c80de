import { jetstream, type JetStreamClient } from '@nats-io/jetstream';
import { headers as natsHeaders, type MsgHdrs, type NatsConnection } from '@nats-io/transport-node';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Registry } from 'prom-client';
import { PublishError } from './messaging-errors';
import { MessagingMetrics } from './messaging-metrics';
import { encodePayload } from './payload-codec';
import { injectTraceContext } from './trace-headers';

export const TRACER_NAME = '@sluice/messaging';

export interface PublishOptions {
  /** Sent as `Nats-Msg-Id`: a second publish with the same id inside the stream's window is not stored. */
  readonly msgId?: string;
  /** Extra headers; trace context headers are added on top. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Bound on waiting for the stream's acknowledgement. Default 5 s. */
  readonly timeoutMs?: number;
}

export interface PublishResult {
  readonly stream: string;
  readonly seq: number;
  /** true when the msgId was already stored inside the duplicate window (nothing new was stored) */
  readonly duplicate: boolean;
}

export interface JetStreamPublisherOptions {
  readonly registry?: Registry;
}

/**
 * Publishes JSON messages to JetStream and waits for the stream to store them. Each publish gets a
 * PRODUCER span `publish <subject>` whose context travels in the W3C `traceparent`/`tracestate`
 * headers, so the consumer's span joins the same trace.
 */
export class JetStreamPublisher {
  private readonly js: JetStreamClient;
  private readonly metrics: MessagingMetrics | undefined;

  constructor(nc: NatsConnection, options: JetStreamPublisherOptions = {}) {
    this.js = jetstream(nc);
    this.metrics = MessagingMetrics.for(options.registry);
  }

  publish(subject: string, payload: object, options: PublishOptions = {}): Promise<PublishResult> {
    const tracer = trace.getTracer(TRACER_NAME);
    const attributes = {
      'messaging.system': 'nats',
      'messaging.operation.type': 'send',
      'messaging.destination.name': subject,
      ...(options.msgId ? { 'messaging.message.id': options.msgId } : {}),
    };
    return tracer.startActiveSpan(`publish ${subject}`, { kind: SpanKind.PRODUCER, attributes }, async (span) => {
      try {
        const hdrs = natsHeaders();
        for (const [key, value] of Object.entries(options.headers ?? {})) hdrs.set(key, value);
        injectTraceContext(hdrs);
        const result = await this.send(subject, encodePayload(payload), hdrs, options);
        span.setAttribute('messaging.nats.stream', result.stream);
        span.setAttribute('messaging.nats.duplicate', result.duplicate);
        this.metrics?.published.inc({ stream: result.stream, duplicate: String(result.duplicate) });
        return result;
      } catch (error) {
        span.recordException(error instanceof Error ? error : String(error));
        span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
        throw error;
      } finally {
        span.end();
      }
    });
  }

  private async send(subject: string, data: Uint8Array, hdrs: MsgHdrs, options: Omit<PublishOptions, 'headers'>): Promise<PublishResult> {
    try {
      const ack = await this.js.publish(subject, data, {
        headers: hdrs,
        timeout: options.timeoutMs ?? 5_000,
        ...(options.msgId ? { msgID: options.msgId } : {}),
      });
      return { stream: ack.stream, seq: ack.seq, duplicate: ack.duplicate };
    } catch (error) {
      throw new PublishError(subject, `publish to ${subject} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }
}
