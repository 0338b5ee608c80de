export { SafeFetcher } from './lib/safe-fetch';
export type { SafeFetchOptions, FetchRequest, FetchedResponse } from './lib/safe-fetch';
export { AddressPolicy } from './lib/address-policy';
export { SafeFetchError, BlockedAddressError } from './lib/safe-fetch-errors';
