import { SluiceError } from '@sluice/contracts';

/** The cache service could not be reached (down, restarting, too slow); the call may be retried. */
export class CacheUnavailableError extends SluiceError {
  constructor(address: string, cause: unknown) {
    super('UNAVAILABLE', `cache service at ${address} is unavailable: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.cause = cause;
  }
}

/** A value that cannot be cached faithfully (a function, a symbol, undefined) or bytes this client did not write. */
export class CacheSerializationError extends SluiceError {
  constructor(message: string, cause?: unknown) {
    super('INVALID_ARGUMENT', message);
    if (cause !== undefined) this.cause = cause;
  }
}

/** Options that cannot work together, found when the client is created. */
export class CacheClientConfigError extends Error {
  override readonly name = 'CacheClientConfigError';
}
