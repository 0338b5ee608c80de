import { SluiceError } from '@sluice/contracts';

/** Every refusal or failure of an outbound fetch. `reason` is stable, for metrics and task errors. */
export class SafeFetchError extends SluiceError {
  constructor(
    readonly reason: 'blocked_address' | 'bad_url' | 'too_many_redirects' | 'body_too_large' | 'decompressed_too_large' | 'timeout' | 'network',
    message: string,
  ) {
    super(reason === 'timeout' || reason === 'network' ? 'UNAVAILABLE' : 'INVALID_ARGUMENT', message);
  }
}

/** The target (or a hop of it) resolves to an address Sluice must not reach. */
export class BlockedAddressError extends SafeFetchError {
  constructor(
    readonly host: string,
    readonly address: string,
    readonly range: string,
  ) {
    super('blocked_address', `refused to connect to ${host}: ${address} is a ${range} address`);
  }
}
