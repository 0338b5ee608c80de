import { SluiceError, type ErrorCode } from '@sluice/contracts';

/** The caller asked for something wrong; the dependency answered correctly, so it is healthy. */
const CALLER_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'INVALID_ARGUMENT',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'FAILED_PRECONDITION',
  'UNAUTHENTICATED',
  'PERMISSION_DENIED',
]);
const TRANSIENT_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['UNAVAILABLE', 'RESOURCE_EXHAUSTED']);

/** grpc-js numeric status codes: INVALID_ARGUMENT, NOT_FOUND, ALREADY_EXISTS, PERMISSION_DENIED, FAILED_PRECONDITION, OUT_OF_RANGE, UNAUTHENTICATED. */
const GRPC_CALLER_STATUS: ReadonlySet<number> = new Set([3, 5, 6, 7, 9, 11, 16]);
/** grpc-js: DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, ABORTED, UNAVAILABLE. */
const GRPC_TRANSIENT_STATUS: ReadonlySet<number> = new Set([4, 8, 10, 14]);

const HTTP_TRANSIENT_STATUS: ReadonlySet<number> = new Set([408, 429, 502, 503, 504]);

/** Node and undici network errors that say nothing about the request itself. */
const NETWORK_TRANSIENT_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
]);

/**
 * True when trying the same call again may succeed. An explicit boolean `transient` property on the
 * error wins; otherwise: `SluiceError` UNAVAILABLE or RESOURCE_EXHAUSTED (this covers `TimeoutError`
 * and `CircuitOpenError`), gRPC DEADLINE_EXCEEDED / RESOURCE_EXHAUSTED / ABORTED / UNAVAILABLE,
 * HTTP 408 / 429 / 502 / 503 / 504, and connection-level network errors. Everything else, including
 * HTTP 500 and errors nobody classified, is not retried.
 */
export function isTransientError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const fields = error as Record<string, unknown>;
  if (typeof fields['transient'] === 'boolean') return fields['transient'];
  if (error instanceof SluiceError) return TRANSIENT_CODES.has(error.code);
  const code = fields['code'];
  if (typeof code === 'number') return GRPC_TRANSIENT_STATUS.has(code);
  if (typeof code === 'string' && NETWORK_TRANSIENT_CODES.has(code)) return true;
  const status = httpStatusOf(fields);
  return status !== undefined && HTTP_TRANSIENT_STATUS.has(status);
}

/**
 * True when the error is the caller's fault and says the dependency is working: `SluiceError`
 * INVALID_ARGUMENT, NOT_FOUND, ALREADY_EXISTS, FAILED_PRECONDITION, UNAUTHENTICATED,
 * PERMISSION_DENIED, the same gRPC statuses (plus OUT_OF_RANGE), and HTTP 4xx except 408 and 429.
 * The default `errorFilter` of a breaker: such errors never open it.
 */
export function isCallerError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const fields = error as Record<string, unknown>;
  if (fields['transient'] === true) return false;
  if (error instanceof SluiceError) return CALLER_CODES.has(error.code);
  const code = fields['code'];
  if (typeof code === 'number') return GRPC_CALLER_STATUS.has(code);
  const status = httpStatusOf(fields);
  return status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 429;
}

function httpStatusOf(fields: Record<string, unknown>): number | undefined {
  const status = fields['status'] ?? fields['statusCode'];
  return typeof status === 'number' ? status : undefined;
}
