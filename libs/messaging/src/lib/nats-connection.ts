import { connect, type NatsConnection } from '@nats-io/transport-node';
import { sleep } from './abortable-sleep';
import { NatsConnectError } from './messaging-errors';

export interface ConnectNatsOptions {
  /** `nats://host:port` (credentials may be part of the URL). Several servers: comma separated. */
  readonly url: string;
  /** Connection name shown by the server (`sluice-<service>`). */
  readonly name: string;
  /** Bound on the first connection, retries included. Default 10 s. */
  readonly connectTimeoutMs?: number;
  /** Pause between reconnect attempts once connected; reconnection never gives up. Default 2 s. */
  readonly reconnectTimeWaitMs?: number;
  /** Aborts the first-connection retries early (e.g. the process is shutting down). */
  readonly signal?: AbortSignal;
}

const FIRST_CONNECT_RETRY_MS = 250;

/**
 * Connects to NATS. The first connection is retried until `connectTimeoutMs` has passed, then fails
 * with NatsConnectError; after that the client reconnects forever (a broker restart must not kill the
 * service), buffering publishes while disconnected.
 */
export async function connectNats(options: ConnectNatsOptions): Promise<NatsConnection> {
  const bound = options.connectTimeoutMs ?? 10_000;
  const deadline = Date.now() + bound;
  const servers = options.url.split(',').map((s) => s.trim()).filter(Boolean);
  let lastError: unknown;
  for (let attempt = 1; ; attempt++) {
    const remaining = deadline - Date.now();
    if (remaining <= 0 || options.signal?.aborted) break;
    try {
      return await connect({
        servers,
        name: options.name,
        timeout: Math.max(100, Math.min(remaining, 5_000)),
        maxReconnectAttempts: -1,
        reconnectTimeWait: options.reconnectTimeWaitMs ?? 2_000,
        reconnectJitter: 500,
        waitOnFirstConnect: false,
      });
    } catch (error) {
      lastError = error;
      const pause = Math.min(FIRST_CONNECT_RETRY_MS * attempt, 2_000, Math.max(0, deadline - Date.now()));
      await sleep(pause, options.signal);
    }
  }
  const reason = lastError instanceof Error ? lastError.message : 'aborted';
  throw new NatsConnectError(`could not connect to NATS within ${bound} ms: ${reason}`, { cause: lastError });
}

/**
 * Drains the connection (subscriptions finish what they hold, pending publishes are flushed), and
 * closes it outright if draining takes longer than `timeoutMs`.
 */
export async function closeNats(nc: NatsConnection, timeoutMs = 5_000): Promise<void> {
  if (nc.isClosed()) return;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  try {
    const drained = nc.isDraining() ? nc.closed().then(() => 'drained' as const) : nc.drain().then(() => 'drained' as const);
    const outcome = await Promise.race([drained.catch(() => 'failed' as const), timedOut]);
    if (outcome !== 'drained' && !nc.isClosed()) await nc.close();
  } finally {
    clearTimeout(timer);
  }
}
