import { setTimeout as sleep } from 'node:timers/promises';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import type { Response } from 'undici';
import { ApiProblemError, CliError, ConnectionError } from '../errors/cli-errors';

/** One Server-Sent Event, its data parsed as JSON when it is JSON. */
export interface StreamEvent {
  readonly id?: string;
  /** the SSE `event:` field; `message` when the server sent none */
  readonly type: string;
  readonly data: unknown;
}

export interface EventStreamTiming {
  /** no byte (not even a keep-alive comment) for this long means the connection is dead */
  readonly idleTimeoutMs: number;
  /** wait before reconnecting, unless the server's `retry:` says otherwise (capped at maxReconnectDelayMs) */
  readonly reconnectDelayMs: number;
  readonly maxReconnectDelayMs: number;
  /** reconnections in a row without receiving any event before giving up */
  readonly maxReconnects: number;
}

export const DEFAULT_EVENT_STREAM_TIMING: EventStreamTiming = {
  idleTimeoutMs: 45_000,
  reconnectDelayMs: 1_000,
  maxReconnectDelayMs: 30_000,
  maxReconnects: 10,
};

export interface WatchEventStreamOptions {
  /** opens the stream; `lastEventId` is set when resuming after a dropped connection */
  readonly open: (lastEventId: string | undefined, signal: AbortSignal) => Promise<Response>;
  /** return true to stop watching (e.g. the run reached a final status) */
  readonly onEvent: (event: StreamEvent) => boolean;
  readonly timing?: Partial<EventStreamTiming>;
  readonly signal?: AbortSignal;
}

class IdleTimeout extends Error {
  constructor() {
    super('idle');
  }
}

/** Largest event the parser buffers; a bigger one means the stream is not what we expect. */
const MAX_EVENT_CHARS = 1024 * 1024;

/**
 * Follows an SSE stream until `onEvent` says stop. A dropped or silent connection is reopened with
 * `Last-Event-ID`, so no event is lost or repeated; a refusal (4xx other than 429) ends the watch.
 */
export async function watchEventStream(options: WatchEventStreamOptions): Promise<void> {
  const timing = { ...DEFAULT_EVENT_STREAM_TIMING, ...options.timing };
  let lastEventId: string | undefined;
  let delayMs = timing.reconnectDelayMs;
  let failuresInARow = 0;
  let lastFailure = 'the stream ended';
  for (;;) {
    options.signal?.throwIfAborted();
    let receivedEvent = false;
    let stopped = false;
    const connection = new AbortController();
    const stopConnection = () => connection.abort(options.signal?.reason);
    options.signal?.addEventListener('abort', stopConnection, { once: true });
    let idleTimer: NodeJS.Timeout | undefined;
    const resetIdleTimer = () => {
      clearTimeout(idleTimer);
      idleTimer = setTimeout(() => connection.abort(new IdleTimeout()), timing.idleTimeoutMs);
    };
    const parser = createParser({
      maxBufferSize: MAX_EVENT_CHARS,
      onError: (error) => {
        if (error.type === 'max-buffer-size-exceeded') connection.abort(new CliError(`an event in the stream is larger than ${MAX_EVENT_CHARS} characters`));
      },
      onRetry: (ms) => (delayMs = Math.min(Math.max(ms, 0), timing.maxReconnectDelayMs)),
      onEvent: (message) => {
        if (stopped) return;
        if (message.id !== undefined) lastEventId = message.id;
        receivedEvent = true;
        stopped = options.onEvent(toStreamEvent(message));
        if (stopped) connection.abort();
      },
    });
    try {
      resetIdleTimer();
      const res = await options.open(lastEventId, connection.signal);
      if (!res.body) throw new CliError('the server sent an empty event stream');
      const decoder = new TextDecoder();
      for await (const chunk of res.body) {
        resetIdleTimer();
        parser.feed(decoder.decode(chunk as Uint8Array, { stream: true }));
        if (stopped) break;
      }
      if (stopped) return;
      lastFailure = 'the server closed the stream';
    } catch (error) {
      if (stopped) return;
      if (options.signal?.aborted) throw options.signal.reason;
      // When this side cut the connection, the reason says why better than the stream's AbortError.
      const cause: unknown = connection.signal.aborted && connection.signal.reason instanceof Error ? connection.signal.reason : error;
      if (!isWorthReconnecting(cause)) throw cause;
      lastFailure = cause instanceof IdleTimeout ? `no data for ${timing.idleTimeoutMs / 1000} s` : describe(cause);
    } finally {
      clearTimeout(idleTimer);
      options.signal?.removeEventListener('abort', stopConnection);
      connection.abort();
    }
    failuresInARow = receivedEvent ? 0 : failuresInARow + 1;
    if (failuresInARow > timing.maxReconnects) throw new CliError(`lost the event stream: ${lastFailure}`, undefined, [`gave up after ${timing.maxReconnects} reconnections`]);
    await sleep(delayMs, undefined, options.signal ? { signal: options.signal } : {});
  }
}

function toStreamEvent(message: EventSourceMessage): StreamEvent {
  let data: unknown = message.data;
  try {
    data = JSON.parse(message.data);
  } catch {
    // not JSON: keep the text
  }
  return { ...(message.id !== undefined ? { id: message.id } : {}), type: message.event ?? 'message', data };
}

function isWorthReconnecting(error: unknown): boolean {
  if (error instanceof ApiProblemError) return error.status === 429 || error.status >= 500;
  if (error instanceof CliError && !(error instanceof ConnectionError)) return false;
  return true;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
