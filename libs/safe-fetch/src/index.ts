export { SafeFetcher } from './lib/safe-fetch';
export type { SafeFetchOptions, FetchRequest, FetchedResponse, StreamedResponse } from './lib/safe-fetch';
export { AddressPolicy } from './lib/address-policy';
export { SafeFetchError, BlockedAddressError } from './lib/safe-fetch-errors';
export { forbiddenTarget, forbiddenTargetViolations } from './lib/forbidden-target';
