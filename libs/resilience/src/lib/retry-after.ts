/**
 * Parses an HTTP `Retry-After` value into milliseconds from `now`: either delay-seconds (`"120"`)
 * or an HTTP-date (`"Wed, 21 Oct 2015 07:28:00 GMT"`; a date in the past gives 0). Anything else,
 * including negative or fractional seconds, gives `undefined`.
 */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // Date.parse also reads bare numbers such as "-5" as years; an HTTP-date always names a day or month.
  if (!/[a-z]/i.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

/**
 * How long the failed call asked us to wait, in milliseconds, if it said so: a `retryAfterMs`
 * number on the error (e.g. `CircuitOpenError`, or an error a client built from a 429/503), or a
 * `retry-after` header on `error.headers` / `error.response.headers` (a fetch `Headers` or a plain
 * Node headers object).
 */
export function retryAfterOf(error: unknown, now: number = Date.now()): number | undefined {
  if (!isObject(error)) return undefined;
  const own = error['retryAfterMs'];
  if (typeof own === 'number' && Number.isFinite(own) && own >= 0) return own;
  const response = error['response'];
  return headerValue(error['headers'], now) ?? (isObject(response) ? headerValue(response['headers'], now) : undefined);
}

function headerValue(headers: unknown, now: number): number | undefined {
  if (!isObject(headers)) return undefined;
  const get = headers['get'];
  if (typeof get === 'function') {
    const value: unknown = get.call(headers, 'retry-after');
    return typeof value === 'string' ? parseRetryAfter(value, now) : undefined;
  }
  const value = headers['retry-after'] ?? headers['Retry-After'];
  if (typeof value === 'string') return parseRetryAfter(value, now);
  if (Array.isArray(value) && typeof value[0] === 'string') return parseRetryAfter(value[0], now);
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
