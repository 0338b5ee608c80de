import { Inject, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { jetstreamManager } from '@nats-io/jetstream';
import type { workerV1 } from '@sluice/contracts';
import { startConsumer, type ConsumerOptions, type MessageContext, type NatsConnection, type RunningConsumer, type Topology } from '@sluice/messaging';
import { METRICS_REGISTRY, setSluiceSpanAttributes, sluiceIdsOf, type Logger } from '@sluice/telemetry';
import type { Registry } from 'prom-client';
import type { z } from 'zod';
import { LOGGER, NATS, TOPOLOGY } from './tokens';

export interface WorkerDefinition<T> {
  /** durable consumer name, shared by every replica of the service */
  readonly durable: string;
  readonly stream: 'jobs' | 'events';
  /** logical subject filter, e.g. `jobs.scrape` or `events.task.>` */
  readonly subject: string;
  readonly schema: z.ZodType<T>;
  readonly options?: Partial<Pick<ConsumerOptions<T>, 'maxDeliver' | 'ackWaitMs' | 'backoffMs' | 'concurrency' | 'stopTimeoutMs' | 'onDeadLetter'>>;
}

/**
 * A durable JetStream consumer owned by a Nest provider: it starts pulling once the whole
 * application is up, and on shutdown stops pulling and hands back what is still running.
 * Subclasses say what they consume and how to handle one message.
 */
export abstract class JetStreamWorker<T> implements OnApplicationBootstrap, OnModuleDestroy {
  @Inject(NATS) private readonly nc!: NatsConnection;
  @Inject(TOPOLOGY) private readonly topology!: Topology;
  @Inject(METRICS_REGISTRY) private readonly registry!: Registry;
  @Inject(LOGGER) protected readonly logger!: Logger;

  protected abstract readonly definition: WorkerDefinition<T>;
  protected abstract handle(payload: T, ctx: MessageContext): Promise<void>;

  private running?: RunningConsumer;
  private handledOk = 0;
  private handledFailed = 0;

  async onApplicationBootstrap(): Promise<void> {
    const d = this.definition;
    this.running = await startConsumer<T>(this.nc, {
      ...d.options,
      topology: this.topology,
      stream: this.topology[d.stream].name,
      durable: d.durable,
      filterSubject: this.topology.subject(d.subject),
      schema: d.schema,
      registry: this.registry,
      logger: this.logger,
      handler: async (payload, ctx) => {
        // The handler runs inside the message's CONSUMER span: tag it with the tenant, task, run and step.
        setSluiceSpanAttributes(sluiceIdsOf(payload));
        try {
          await this.handle(payload, ctx);
          this.handledOk++;
        } catch (error) {
          this.handledFailed++;
          throw error;
        }
      },
    });
  }

  async onModuleDestroy(): Promise<void> {
    await this.running?.stop();
  }

  /** The consumer's state on the server and this process's counters. */
  async status(): Promise<workerV1.WorkerStatus> {
    const stream = this.topology[this.definition.stream].name;
    const info = await (await jetstreamManager(this.nc)).consumers.info(stream, this.definition.durable);
    return {
      stream,
      consumer: this.definition.durable,
      pending: String(info.num_pending),
      ackPending: String(info.num_ack_pending),
      redelivered: String(info.num_redelivered),
      handledOk: String(this.handledOk),
      handledFailed: String(this.handledFailed),
    };
  }
}
