import { DeliverPolicy, jetstream, type Consumer, type ConsumerMessages } from '@nats-io/jetstream';
import { Inject, Injectable, Optional, type BeforeApplicationShutdown } from '@nestjs/common';
import { UnavailableError } from '@sluice/contracts';
import type { NatsConnection, Topology } from '@sluice/messaging';
import { LOGGER, NATS, TOPOLOGY } from '@sluice/runtime';
import type { Logger } from '@sluice/telemetry';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { z } from 'zod';
import { parseLastEventId, sseFrame, SSE_KEEP_ALIVE, type SseEvent } from './sse-frames';

/** What one resource's event stream follows (a task's, a run's). */
export interface EventStreamSpec<T extends { type: string }> {
  /** logical subject of the resource's events, e.g. `events.task.<id>.>` */
  readonly subject: string;
  /** the events' payload schema; a message that does not match is skipped, never sent */
  readonly schema: z.ZodType<T>;
  /** the first event: the resource as it is now */
  readonly state: Omit<SseEvent, 'id'>;
  /** the resource had ended when the stream opened: stream what is stored, then end */
  readonly ended: boolean;
  /** an event after which nothing more will come */
  isFinal(event: T): boolean;
}

export interface EventStreamOptions {
  /** how often a keep-alive comment is sent on a quiet stream */
  readonly keepAliveMs: number;
  /** streams this process serves at once (each holds a connection and a JetStream consumer) */
  readonly maxOpenStreams: number;
}

export const EVENT_STREAM_OPTIONS = Symbol('EVENT_STREAM_OPTIONS');
const DEFAULT_OPTIONS: EventStreamOptions = { keepAliveMs: 15_000, maxOpenStreams: 1_000 };
/** messages pulled per request; the stream sends them as the client takes them */
const PULL_BATCH = 64;

const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  connection: 'keep-alive',
  // proxies such as nginx would otherwise buffer the stream
  'x-accel-buffering': 'no',
};

interface OpenStream {
  stop(): void;
  readonly done: Promise<void>;
}

/**
 * Serves a JetStream subject as Server-Sent Events: a first `state` event, then every stored and
 * new event of the subject (an ordered consumer from the start, or from `Last-Event-ID` + 1; each
 * event's `id` is its stream sequence), keep-alive comments on quiet streams, the end after a final
 * event. The consumer is deleted when the stream ends, when the client goes away, or at shutdown.
 */
@Injectable()
export class EventStreams implements BeforeApplicationShutdown {
  private readonly open = new Set<OpenStream>();
  private readonly options: EventStreamOptions;
  /** streams between their checks and their first byte, counted against the limit */
  private opening = 0;
  private closing = false;

  constructor(
    @Inject(NATS) private readonly nc: NatsConnection,
    @Inject(TOPOLOGY) private readonly topology: Topology,
    @Inject(LOGGER) private readonly logger: Logger,
    @Optional() @Inject(EVENT_STREAM_OPTIONS) options?: Partial<EventStreamOptions>,
  ) {
    this.options = { ...DEFAULT_OPTIONS, ...options };
  }

  /** How many streams are being served now. */
  get size(): number {
    return this.open.size;
  }

  /**
   * Answers the request with the stream; resolves when the stream has ended. Errors before the
   * first byte (a bad Last-Event-ID, too many streams, NATS unavailable, shutting down) are thrown
   * for the caller's error mapping.
   */
  async serve<T extends { type: string }>(request: FastifyRequest, reply: FastifyReply, spec: EventStreamSpec<T>): Promise<void> {
    const after = parseLastEventId(request.headers['last-event-id']);
    if (this.closing) throw shuttingDown();
    if (this.open.size + this.opening >= this.options.maxOpenStreams) throw new UnavailableError('too many open event streams on this gateway; retry later');
    this.opening++;
    let consumer: Consumer;
    try {
      consumer = await this.openConsumer(spec.subject, after);
    } finally {
      this.opening--;
    }
    if (this.closing) {
      await consumer.delete().catch(() => undefined);
      throw shuttingDown();
    }
    const raw = reply.raw;
    reply.hijack();
    let stopped = false;
    let messages: ConsumerMessages | undefined;
    const stop = () => {
      stopped = true;
      void messages?.close();
    };
    raw.once('close', stop);
    // a failed write means the client is gone: end like a disconnect instead of an unhandled error
    raw.on('error', stop);
    const done = (async () => {
      try {
        if (raw.destroyed) return;
        raw.writeHead(200, { ...(reply.getHeaders() as OutgoingHttpHeaders), ...SSE_HEADERS });
        await write(raw, sseFrame(spec.state));
        const { num_pending: stored } = await consumer.info(true);
        if (stopped || (spec.ended && stored === 0)) return;
        messages = await consumer.consume({ max_messages: PULL_BATCH });
        if (stopped) return;
        await this.pump(messages, raw, spec);
      } catch (error) {
        this.logger.warn({ err: error, subject: spec.subject }, 'event stream ended by an error');
      } finally {
        raw.off('close', stop);
        await messages?.close().catch(() => undefined);
        await consumer.delete().catch((error: unknown) => this.logger.warn({ err: error }, 'could not delete an event stream consumer'));
        if (!raw.writableEnded) raw.end();
      }
    })();
    const entry: OpenStream = { stop, done };
    this.open.add(entry);
    try {
      await done;
    } finally {
      this.open.delete(entry);
    }
  }

  /** Ends every open stream (the clients reconnect to another replica with Last-Event-ID). */
  async beforeApplicationShutdown(): Promise<void> {
    this.closing = true;
    const streams = [...this.open];
    for (const stream of streams) stream.stop();
    await Promise.allSettled(streams.map((s) => s.done));
  }

  private async pump<T extends { type: string }>(messages: ConsumerMessages, raw: ServerResponse, spec: EventStreamSpec<T>): Promise<void> {
    const keepAlive = setInterval(() => raw.destroyed || raw.write(SSE_KEEP_ALIVE), this.options.keepAliveMs);
    try {
      for await (const msg of messages) {
        const event = this.decode(msg.data, spec);
        if (event) await write(raw, sseFrame({ id: msg.seq, event: event.type, data: event }));
        if ((event && spec.isFinal(event)) || (spec.ended && msg.info.pending === 0)) return;
      }
    } finally {
      clearInterval(keepAlive);
    }
  }

  private decode<T extends { type: string }>(data: Uint8Array, spec: EventStreamSpec<T>): T | undefined {
    let json: unknown;
    try {
      json = JSON.parse(Buffer.from(data).toString('utf8'));
    } catch {
      return undefined;
    }
    const parsed = spec.schema.safeParse(json);
    if (!parsed.success) this.logger.warn({ subject: spec.subject }, 'skipped an event that does not match its schema');
    return parsed.success ? parsed.data : undefined;
  }

  private async openConsumer(logicalSubject: string, after: number | undefined): Promise<Consumer> {
    try {
      // filter_subjects as a string: servers before 2.10 know only one filter subject
      return await jetstream(this.nc).consumers.get(this.topology.events.name, {
        filter_subjects: this.topology.subject(logicalSubject),
        ...(after === undefined ? { deliver_policy: DeliverPolicy.All } : { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: after + 1 }),
      });
    } catch (error) {
      throw new UnavailableError(`event stream unavailable: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

const shuttingDown = () => new UnavailableError('this gateway is shutting down; reconnect with Last-Event-ID');

/** Writes a chunk, waiting while the client is slower than the events (or until it goes away). */
async function write(raw: ServerResponse, chunk: string): Promise<void> {
  if (raw.write(chunk) || raw.destroyed) return;
  await new Promise<void>((resolve) => {
    const settle = () => {
      raw.off('drain', settle);
      raw.off('close', settle);
      resolve();
    };
    raw.once('drain', settle);
    raw.once('close', settle);
  });
}
