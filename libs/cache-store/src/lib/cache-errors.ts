import { SluiceError } from '@sluice/contracts';

/** A value larger than the store accepts; nothing was stored. */
export class ValueTooLargeError extends SluiceError {
  constructor(
    readonly key: string,
    readonly bytes: number,
    readonly maxBytes: number,
  ) {
    super('RESOURCE_EXHAUSTED', `value of "${key}" is ${bytes} bytes; the maximum is ${maxBytes}`);
  }
}

/** Redis did not answer (down, restarting, unreachable); the call may be retried. */
export class CacheBackendUnavailableError extends SluiceError {
  constructor(cause: unknown) {
    super('UNAVAILABLE', `the cache's Redis is unavailable: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.cause = cause;
  }
}

/** A stored value that cannot be decoded: unknown codec marker, corrupt or over-limit compressed data. */
export class CacheCodecError extends Error {
  override readonly name = 'CacheCodecError';
}
