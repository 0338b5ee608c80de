import { createParser, type EventSourceMessage } from 'eventsource-parser';

export interface SseClient {
  readonly status: number;
  readonly headers: Headers;
  /** every event read so far */
  readonly events: EventSourceMessage[];
  /** every comment (keep-alive) read so far */
  readonly comments: string[];
  /** resolves when the server ended the stream (or close() aborted it) */
  readonly ended: Promise<void>;
  close(): void;
}

/** A minimal Server-Sent Events client that records what it reads, for tests of SSE endpoints. */
export async function openSse(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
  const abort = new AbortController();
  const res = await fetch(url, { headers, signal: abort.signal });
  const events: EventSourceMessage[] = [];
  const comments: string[] = [];
  const parser = createParser({ onEvent: (e) => events.push(e), onComment: (c) => comments.push(c) });
  const ended = (async () => {
    if (!res.body) return;
    const decoder = new TextDecoder();
    try {
      for await (const chunk of res.body) parser.feed(decoder.decode(chunk as Uint8Array, { stream: true }));
    } catch {
      // aborted by close()
    }
  })();
  return { status: res.status, headers: res.headers, events, comments, ended, close: () => abort.abort() };
}
