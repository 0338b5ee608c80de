import type { MsgHdrs } from '@nats-io/transport-node';
import type { Registry } from 'prom-client';
import type { z } from 'zod';
import { DEFAULT_BACKOFF, exponentialBackoff, MAX_RETRY_DELAY_MS } from './backoff';
import type { DeadLetterCallback } from './dead-letters';
import { InvalidConsumerOptionsError } from './messaging-errors';
import type { MessagingLogger } from './messaging-logger';
import type { Topology } from './topology';

/** What a handler knows about the message it is working on. */
export interface MessageContext {
  readonly subject: string;
  readonly headers: MsgHdrs | undefined;
  /** 1 on the first delivery */
  readonly deliveryCount: number;
  readonly redelivered: boolean;
  /** the publisher's `Nats-Msg-Id`: the key for the handler's own idempotency */
  readonly msgId: string | undefined;
  readonly streamSequence: number;
  /**
   * Aborts when the consumer stops and hands this message back before the handler finished;
   * whatever the handler does afterwards is not acknowledged.
   */
  readonly signal: AbortSignal;
  /** Tells the server the work is still going (resets the ack wait). Done automatically too. */
  heartbeat(): void;
}

export type MessageHandler<T> = (payload: T, ctx: MessageContext) => void | Promise<void>;

export interface ConsumerOptions<T> {
  readonly topology: Topology;
  /** one of the topology's streams */
  readonly stream: string;
  /** durable name, shared by every replica of the service */
  readonly durable: string;
  readonly filterSubject: string;
  readonly handler: MessageHandler<T>;
  /** Payload schema; a message that fails it is dead-lettered at once (retrying cannot help). */
  readonly schema?: z.ZodType<T>;
  /** deliveries before a message is dead-lettered; default 5 */
  readonly maxDeliver?: number;
  /** how long the server waits for an ack (or heartbeat) before redelivering; default 30 s */
  readonly ackWaitMs?: number;
  /**
   * Pause before redelivery after the handler failed on delivery n: `backoffMs[n - 1]` (the last
   * entry repeats), minus up to `backoffJitter` of it. Default 1 s doubling, capped at 60 s.
   */
  readonly backoffMs?: readonly number[];
  /** fraction in [0, 1]; default 0.2 */
  readonly backoffJitter?: number;
  /** handlers running at once in this process; default 1 */
  readonly concurrency?: number;
  /** how long stop() waits for running handlers before handing their messages back; default 10 s */
  readonly stopTimeoutMs?: number;
  /** how long one pull request waits for messages; bounds how long stop() waits for the pull; default 3 s */
  readonly pullExpiresMs?: number;
  /** heartbeat every ackWait/2 while a handler runs; default true */
  readonly autoHeartbeat?: boolean;
  /** called after a message was stored on the dead-letter stream (e.g. to mark a task failed) */
  readonly onDeadLetter?: DeadLetterCallback;
  readonly registry?: Registry;
  readonly logger?: MessagingLogger;
}

export type ResolvedConsumerOptions<T> = Required<Omit<ConsumerOptions<T>, 'schema' | 'onDeadLetter' | 'registry' | 'logger'>> &
  Pick<ConsumerOptions<T>, 'schema' | 'onDeadLetter' | 'registry' | 'logger'>;

const MAX_CONCURRENCY = 1_000;

/** Fills defaults and rejects options that cannot work, before anything is created on the server. */
export function resolveConsumerOptions<T>(options: ConsumerOptions<T>): ResolvedConsumerOptions<T> {
  const maxDeliver = options.maxDeliver ?? 5;
  const resolved: ResolvedConsumerOptions<T> = {
    ...options,
    maxDeliver,
    ackWaitMs: options.ackWaitMs ?? 30_000,
    backoffMs: options.backoffMs ?? exponentialBackoff(DEFAULT_BACKOFF, Math.max(1, maxDeliver - 1)),
    backoffJitter: options.backoffJitter ?? 0.2,
    concurrency: options.concurrency ?? 1,
    stopTimeoutMs: options.stopTimeoutMs ?? 10_000,
    pullExpiresMs: options.pullExpiresMs ?? 3_000,
    autoHeartbeat: options.autoHeartbeat ?? true,
  };
  const problems: string[] = [];
  if (!options.topology.streams.some((s) => s.name === options.stream)) problems.push(`stream ${options.stream} is not part of the topology`);
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(options.durable)) problems.push('durable must be 1-64 letters, digits, "_" or "-"');
  if (!options.filterSubject) problems.push('filterSubject is required');
  if (!isIntIn(resolved.maxDeliver, 1, 1_000)) problems.push('maxDeliver must be an integer in [1, 1000]');
  if (!isIntIn(resolved.ackWaitMs, 500, 12 * 60 * 60 * 1000)) problems.push('ackWaitMs must be an integer in [500, 12 h]');
  if (resolved.backoffMs.length === 0 || resolved.backoffMs.some((d) => !isIntIn(d, 0, MAX_RETRY_DELAY_MS))) {
    problems.push('backoffMs must list integer delays in [0, 1 h]');
  }
  if (!(resolved.backoffJitter >= 0 && resolved.backoffJitter <= 1)) problems.push('backoffJitter must be in [0, 1]');
  if (!isIntIn(resolved.concurrency, 1, MAX_CONCURRENCY)) problems.push(`concurrency must be an integer in [1, ${MAX_CONCURRENCY}]`);
  if (!isIntIn(resolved.stopTimeoutMs, 0, 10 * 60 * 1000)) problems.push('stopTimeoutMs must be an integer in [0, 10 min]');
  if (!isIntIn(resolved.pullExpiresMs, 1_000, 60_000)) problems.push('pullExpiresMs must be an integer in [1 s, 60 s]');
  if (problems.length > 0) throw new InvalidConsumerOptionsError(`invalid consumer options for ${options.durable}: ${problems.join('; ')}`);
  return resolved;
}

function isIntIn(value: number, min: number, max: number): boolean {
  return Number.isInteger(value) && value >= min && value <= max;
}
