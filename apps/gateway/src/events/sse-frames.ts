import { InvalidArgumentError } from '@sluice/contracts';

/** One Server-Sent Events message (WHATWG HTML, "Server-sent events"). */
export interface SseEvent {
  /** sent as `id:`; the client echoes the last one as `Last-Event-ID` when it reconnects */
  readonly id?: number;
  readonly event: string;
  readonly data: unknown;
}

/** A comment line: ignored by clients, keeps proxies and load balancers from closing an idle stream. */
export const SSE_KEEP_ALIVE = ': keep-alive\n\n';

/**
 * An event as its wire frame. The data is one line of JSON (JSON.stringify escapes newlines inside
 * strings), so a frame can never be split or injected into by its content.
 */
export function sseFrame(event: SseEvent): string {
  const id = event.id === undefined ? '' : `id: ${event.id}\n`;
  return `${id}event: ${event.event}\ndata: ${JSON.stringify(event.data)}\n\n`;
}

const SEQUENCE = /^\d{1,15}$/;

/**
 * The stream sequence after which to resume, from the `Last-Event-ID` header: undefined when absent
 * or empty (start from the first event); anything but a sequence number this API sent is a 400.
 */
export function parseLastEventId(header: string | string[] | undefined): number | undefined {
  if (header === undefined || header === '') return undefined;
  if (typeof header === 'string' && SEQUENCE.test(header)) return Number(header);
  throw new InvalidArgumentError('invalid request', [{ path: 'Last-Event-ID', message: 'must be the id of an event this stream sent (a stream sequence number)' }]);
}
