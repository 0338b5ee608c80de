import { jetstream, jetstreamManager, RetentionPolicy, type Consumer, type JsMsg } from '@nats-io/jetstream';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import { sleep, within } from './abortable-sleep';
import { retryDelayMs } from './backoff';
import { ConsumerLagMetrics } from './consumer-lag-metrics';
import { ensureConsumer } from './consumer-provisioner';
import { resolveConsumerOptions, type ConsumerOptions, type MessageContext, type ResolvedConsumerOptions } from './consumer-options';
import { DeadLetterRouter } from './dead-letter-router';
import type { DeadLetterReason } from './dead-letters';
import { TRACER_NAME } from './jetstream-publisher';
import { watchMaxDeliveries } from './max-deliveries-advisory';
import { MessagingError } from './messaging-errors';
import { errorFields, stderrLogger, type MessagingLogger } from './messaging-logger';
import { MessagingMetrics, type HandledOutcome } from './messaging-metrics';
import { decodePayload } from './payload-codec';
import { extractTraceContext } from './trace-headers';

/** The reason a handed-back handler's signal carries. */
export class ConsumerStoppedError extends MessagingError {}

export interface RunningConsumer {
  readonly stream: string;
  readonly durable: string;
  /**
   * Stops pulling, waits up to `stopTimeoutMs` for running handlers, then hands back (nak) the
   * messages whose handlers are still running, so another consumer gets them at once.
   */
  stop(): Promise<void>;
}

/**
 * Provisions the durable pull consumer and starts handling its messages: at most `concurrency`
 * at a time, each acked only after its handler resolved, naked with backoff when it threw,
 * dead-lettered when its payload is invalid or its deliveries are exhausted.
 */
export async function startConsumer<T = unknown>(nc: NatsConnection, options: ConsumerOptions<T>): Promise<RunningConsumer> {
  const resolved = resolveConsumerOptions(options);
  const jsm = await jetstreamManager(nc);
  await ensureConsumer(jsm, resolved);
  const streamInfo = await jsm.streams.info(resolved.stream);
  const js = jetstream(nc);
  const consumer = await js.consumers.get(resolved.stream, resolved.durable);
  const logger = resolved.logger ?? stderrLogger;
  const metrics = MessagingMetrics.for(resolved.registry);
  const deadLetters = new DeadLetterRouter(js, jsm, {
    stream: resolved.stream,
    consumer: resolved.durable,
    topology: resolved.topology,
    workQueue: streamInfo.config.retention === RetentionPolicy.Workqueue,
    maxDeliver: resolved.maxDeliver,
    onDeadLetter: resolved.onDeadLetter,
    metrics,
    logger,
  });
  const untrackLag = ConsumerLagMetrics.for(resolved.registry)?.track({
    stream: resolved.stream,
    consumer: resolved.durable,
    readState: () => jsm.consumers.info(resolved.stream, resolved.durable),
  });
  const running = new DurableConsumer(nc, consumer, deadLetters, resolved, logger, metrics, untrackLag);
  running.start();
  return running;
}

interface InFlight {
  readonly abort: AbortController;
  readonly done: Promise<void>;
  readonly msg: JsMsg;
  handedBack: boolean;
  heartbeatTimer?: NodeJS.Timeout;
}

const ACK_TIMEOUT_MS = 5_000;
const MAX_PULL_ERROR_PAUSE_MS = 5_000;

class DurableConsumer<T> implements RunningConsumer {
  readonly stream: string;
  readonly durable: string;
  private readonly inFlight = new Set<InFlight>();
  private readonly sideTasks = new Set<Promise<void>>();
  private readonly stopping = new AbortController();
  private readonly labels: { stream: string; consumer: string };
  private readonly stoppingPromise: Promise<void>;
  private advisories?: Subscription;
  private pullLoop: Promise<void> = Promise.resolve();
  private stopped?: Promise<void>;

  constructor(
    private readonly nc: NatsConnection,
    private readonly consumer: Consumer,
    private readonly deadLetters: DeadLetterRouter,
    private readonly options: ResolvedConsumerOptions<T>,
    private readonly logger: MessagingLogger,
    private readonly metrics: MessagingMetrics | undefined,
    private readonly untrackLag: (() => void) | undefined,
  ) {
    this.stream = options.stream;
    this.durable = options.durable;
    this.labels = { stream: this.stream, consumer: this.durable };
    this.stoppingPromise = new Promise((resolve) => this.stopping.signal.addEventListener('abort', () => resolve(), { once: true }));
  }

  start(): void {
    this.advisories = watchMaxDeliveries(
      this.nc,
      this.stream,
      this.durable,
      (advisory) => this.track(this.deadLetters.exhausted(advisory)),
      (reason) => this.logger.warn({ ...this.labels, reason }, 'ignored a max-deliveries advisory'),
    );
    this.pullLoop = this.pull();
  }

  stop(): Promise<void> {
    this.stopped ??= this.shutdown();
    return this.stopped;
  }

  private async shutdown(): Promise<void> {
    this.stopping.abort();
    this.untrackLag?.();
    const handlersDone = Promise.allSettled([...this.inFlight].map((f) => f.done));
    await within(this.options.stopTimeoutMs, Promise.all([handlersDone, this.pullLoop]));
    for (const flight of this.inFlight) this.handBack(flight);
    // The pull in progress ends by itself within pullExpiresMs; anything it still brings is handed back.
    await this.pullLoop;
    await this.advisories?.drain().catch((error: unknown) => this.logger.warn({ ...this.labels, ...errorFields(error) }, 'advisory subscription did not drain'));
    await within(this.options.stopTimeoutMs, Promise.allSettled([...this.sideTasks]));
  }

  /** Pulls at most as many messages as there are free slots; each pull is bounded by pullExpiresMs. */
  private async pull(): Promise<void> {
    let failures = 0;
    while (!this.stopping.signal.aborted) {
      await this.freeSlot();
      if (this.stopping.signal.aborted) break;
      try {
        const batch = await this.consumer.fetch({
          max_messages: this.options.concurrency - this.inFlight.size,
          expires: this.options.pullExpiresMs,
        });
        for await (const msg of batch) {
          if (this.stopping.signal.aborted) {
            this.settle(msg, 'nak', () => msg.nak());
            continue;
          }
          this.dispatch(msg);
        }
        failures = 0;
      } catch (error) {
        if (this.nc.isClosed()) {
          this.logger.error({ ...this.labels }, 'NATS connection closed; consumer stops pulling');
          return;
        }
        failures++;
        this.logger.warn({ ...this.labels, ...errorFields(error), failures }, 'pull failed; retrying');
        await sleep(Math.min(250 * 2 ** failures, MAX_PULL_ERROR_PAUSE_MS), this.stopping.signal);
      }
    }
  }

  private async freeSlot(): Promise<void> {
    while (this.inFlight.size >= this.options.concurrency && !this.stopping.signal.aborted) {
      await Promise.race([...[...this.inFlight].map((f) => f.done), this.stoppingPromise]);
    }
  }

  private dispatch(msg: JsMsg): void {
    const abort = new AbortController();
    let finish!: () => void;
    const flight: InFlight = { abort, msg, handedBack: false, done: new Promise<void>((resolve) => (finish = resolve)) };
    this.inFlight.add(flight);
    this.handle(flight)
      .catch((error: unknown) => this.logger.error({ ...this.labels, seq: msg.info.streamSequence, ...errorFields(error) }, 'message handling failed'))
      .finally(() => {
        clearInterval(flight.heartbeatTimer);
        this.inFlight.delete(flight);
        finish();
      });
  }

  private handBack(flight: InFlight): void {
    if (flight.handedBack) return;
    flight.handedBack = true;
    clearInterval(flight.heartbeatTimer);
    flight.abort.abort(new ConsumerStoppedError(`consumer ${this.durable} stopped before the handler finished`));
    this.settle(flight.msg, 'nak', () => flight.msg.nak());
    this.metrics?.handled.inc({ ...this.labels, outcome: 'retry' });
  }

  private async handle(flight: InFlight): Promise<void> {
    const { msg } = flight;
    const deliveryCount = msg.info.deliveryCount;
    if (deliveryCount > 1) this.metrics?.redeliveries.inc(this.labels);

    const payload = this.parse(msg);
    if (!payload.ok) {
      await this.deadLetterNow(flight, 'invalid_payload', payload.reason);
      return;
    }

    const ctx = this.contextFor(flight);
    const started = performance.now();
    const tracer = trace.getTracer(TRACER_NAME);
    const parent = extractTraceContext(msg.headers, ROOT_CONTEXT);
    const attributes = {
      'messaging.system': 'nats',
      'messaging.operation.type': 'process',
      'messaging.destination.name': msg.subject,
      'messaging.consumer.group.name': this.durable,
      'messaging.nats.delivery_count': deliveryCount,
      'messaging.nats.stream_sequence': msg.info.streamSequence,
      ...(ctx.msgId ? { 'messaging.message.id': ctx.msgId } : {}),
    };
    const failure = await tracer.startActiveSpan(`process ${msg.subject}`, { kind: SpanKind.CONSUMER, attributes }, parent, (span) =>
      this.runHandler(flight, payload.value, ctx, span),
    );
    if (flight.handedBack) return;

    let outcome: HandledOutcome;
    if (!failure) {
      outcome = 'ok';
      await this.acknowledge(msg);
      this.metrics?.handled.inc({ ...this.labels, outcome });
    } else if (deliveryCount >= this.options.maxDeliver) {
      // counted by deadLetterNow, which may also fall back to a retry
      outcome = await this.deadLetterNow(flight, 'handler_failed', failure.message);
    } else {
      outcome = 'retry';
      this.settle(msg, 'nak', () => msg.nak(retryDelayMs(deliveryCount, this.options.backoffMs, this.options.backoffJitter)));
      this.metrics?.handled.inc({ ...this.labels, outcome });
    }
    this.metrics?.handlerDuration.observe({ ...this.labels, outcome }, (performance.now() - started) / 1000);
  }

  /** Runs the handler with automatic heartbeats; returns its error, if any, instead of throwing. */
  private async runHandler(flight: InFlight, payload: T, ctx: MessageContext, span: Span): Promise<Error | undefined> {
    if (this.options.autoHeartbeat) {
      flight.heartbeatTimer = setInterval(() => ctx.heartbeat(), Math.floor(this.options.ackWaitMs / 2));
    }
    try {
      await this.options.handler(payload, ctx);
      return undefined;
    } catch (thrown) {
      const error = thrown instanceof Error ? thrown : new Error(String(thrown));
      span.recordException(error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
      return error;
    } finally {
      clearInterval(flight.heartbeatTimer);
      span.end();
    }
  }

  private contextFor(flight: InFlight): MessageContext {
    const { msg } = flight;
    return {
      subject: msg.subject,
      headers: msg.headers,
      deliveryCount: msg.info.deliveryCount,
      redelivered: msg.redelivered,
      msgId: msg.headers?.get('Nats-Msg-Id') || undefined,
      streamSequence: msg.info.streamSequence,
      signal: flight.abort.signal,
      heartbeat: () => {
        if (!flight.handedBack) this.settle(msg, 'heartbeat', () => msg.working());
      },
    };
  }

  private parse(msg: JsMsg): { ok: true; value: T } | { ok: false; reason: string } {
    const decoded = decodePayload(msg.data);
    if (!decoded.ok) return decoded;
    if (!this.options.schema) return { ok: true, value: decoded.value as T };
    const parsed = this.options.schema.safeParse(decoded.value);
    if (parsed.success) return { ok: true, value: parsed.data };
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    return { ok: false, reason: `payload does not match the schema: ${issues}` };
  }

  /** Dead-letters a message this process holds, then terminates it; if that fails, retries later. */
  private async deadLetterNow(flight: InFlight, reason: DeadLetterReason, detail: string): Promise<'dead' | 'retry'> {
    const { msg } = flight;
    const letter = this.deadLetters.letter(reason, detail, {
      subject: msg.subject,
      streamSequence: msg.info.streamSequence,
      deliveries: msg.info.deliveryCount,
      data: msg.data,
      headers: msg.headers,
    });
    try {
      await this.deadLetters.store(letter);
    } catch (error) {
      this.logger.error({ ...this.labels, seq: letter.streamSequence, ...errorFields(error) }, 'dead letter not stored; message will be retried');
      this.settle(msg, 'nak', () => msg.nak(retryDelayMs(msg.info.deliveryCount, this.options.backoffMs, this.options.backoffJitter)));
      this.metrics?.handled.inc({ ...this.labels, outcome: 'retry' });
      return 'retry';
    }
    // No reason text: nats-server 2.9 ignores a `+TERM <reason>` (the message would come back).
    this.settle(msg, 'term', () => msg.term());
    await this.deadLetters.stored(letter);
    return 'dead';
  }

  /** Acks and waits for the server's confirmation; an unconfirmed ack means a possible redelivery. */
  private async acknowledge(msg: JsMsg): Promise<void> {
    try {
      if (!(await msg.ackAck({ timeout: ACK_TIMEOUT_MS }))) throw new MessagingError('ack was not accepted');
    } catch (error) {
      this.logger.warn({ ...this.labels, seq: msg.info.streamSequence, ...errorFields(error) }, 'ack not confirmed; the message may be redelivered');
    }
  }

  /**
   * nak/term/working are fire-and-forget publishes that throw only when the connection is closed;
   * then the server redelivers after the ack wait anyway, so the failure is reported, not thrown.
   */
  private settle(msg: JsMsg, action: string, send: () => void): void {
    try {
      send();
    } catch (error) {
      this.logger.warn({ ...this.labels, seq: msg.info.streamSequence, action, ...errorFields(error) }, 'could not reach the server');
    }
  }

  private track(task: Promise<void>): void {
    const tracked = task
      .catch((error: unknown) => this.logger.error({ ...this.labels, ...errorFields(error) }, 'dead-lettering an exhausted message failed'))
      .finally(() => this.sideTasks.delete(tracked));
    this.sideTasks.add(tracked);
  }
}

