import { SafeFetchError } from '@sluice/safe-fetch';

/**
 * What to do after one fetch attempt:
 * - `page`: store the response as the page (its status may be 4xx/5xx — that is the page's outcome);
 * - `backoff`: the host asked to slow down (429, 503): penalise the host, fetch again later;
 * - `retry`: a transient failure (5xx, timeout, network, open breaker): fetch again later;
 * - `fail`: a failure that repeating cannot fix (refused address, too large, bad redirect).
 */
export type FetchVerdict =
  | { readonly action: 'page' }
  | { readonly action: 'backoff'; readonly retryAfter: string | undefined; readonly reason: string }
  | { readonly action: 'retry'; readonly reason: string }
  | { readonly action: 'fail'; readonly reason: string };

const SLOW_DOWN = new Set([429, 503]);
const TRANSIENT = new Set([500, 502, 504]);

export function judgeResponse(status: number, headers: Readonly<Record<string, string>>): FetchVerdict {
  if (SLOW_DOWN.has(status)) return { action: 'backoff', retryAfter: headers['retry-after'], reason: `HTTP ${status}` };
  if (TRANSIENT.has(status)) return { action: 'retry', reason: `HTTP ${status}` };
  return { action: 'page' };
}

export function judgeError(error: unknown): FetchVerdict {
  if (error instanceof SafeFetchError) {
    const reason = `${error.reason}: ${error.message}`;
    return error.reason === 'timeout' || error.reason === 'network' ? { action: 'retry', reason } : { action: 'fail', reason };
  }
  return { action: 'retry', reason: error instanceof Error ? error.message : String(error) };
}

/** Pause before the next attempt after `attempts` failed ones: 1 s doubling, capped at 60 s. */
export function retryDelayMs(attempts: number): number {
  return Math.min(60_000, 1_000 * 2 ** Math.max(0, attempts - 1));
}

/** The HTTP status the page row records as an error, if the page is not a success. */
export function pageError(status: number): string | undefined {
  return status >= 400 ? `HTTP ${status}` : undefined;
}

const HTML_TYPES = /^(text\/html|application\/xhtml\+xml)\b/i;

/** Whether links and fields are extracted from a body of this content type (missing: sniffed as HTML). */
export const isHtml = (contentType: string | undefined) => contentType === undefined || HTML_TYPES.test(contentType.trim());
