export { IdempotencyStore, IdempotencyKeyReusedError, IdempotencyKeyInFlightError } from './lib/idempotency-store';
export type { Claim, StoredResponse } from './lib/idempotency-store';
