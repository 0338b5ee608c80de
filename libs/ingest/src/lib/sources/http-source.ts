import type { Readable } from 'node:stream';
import { SafeFetchError, type SafeFetcher } from '@sluice/safe-fetch';
import { IngestInputError } from '../ingest-errors';

/** Statuses worth another try later; every other non-2xx answer is final. */
const RETRYABLE_STATUSES = new Set([408, 425, 429, 500, 502, 503, 504]);

/** The HTTP answer was not a success but may be later (429, 5xx): the job is retried. */
export class HttpSourceUnavailableError extends Error {
  constructor(url: string, status: number) {
    super(`${url} answered ${status}`);
    this.name = 'HttpSourceUnavailableError';
  }
}

/**
 * Opens an http(s) source through the SSRF-guarded fetcher and returns its body as a stream
 * (size, decompression and time limits enforced while it is read). A refused address or URL, an
 * oversized body and a 4xx answer are final; timeouts, network errors, 429 and 5xx are retried.
 */
export async function openHttpSource(fetcher: SafeFetcher, url: string, signal?: AbortSignal): Promise<Readable> {
  let response;
  try {
    response = await fetcher.stream(url, { signal, headers: { accept: 'text/csv, application/json, application/x-ndjson, */*;q=0.5' } });
  } catch (error) {
    throw finalOrRetryable(error, url);
  }
  if (response.status >= 200 && response.status < 300) return response.body;
  response.body.destroy();
  if (RETRYABLE_STATUSES.has(response.status)) throw new HttpSourceUnavailableError(url, response.status);
  throw new IngestInputError(`${url} answered ${response.status}`);
}

/** A refusal or limit of the fetcher (bad URL, blocked address, body too large) is final; a timeout or network error is not. */
export function finalOrRetryable(error: unknown, url: string): unknown {
  if (error instanceof SafeFetchError && error.reason !== 'timeout' && error.reason !== 'network') return new IngestInputError(`${url}: ${error.message}`);
  return error;
}
