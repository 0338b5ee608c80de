import { SluiceError } from '@sluice/contracts';
import type { Redis } from 'ioredis';
import { createHash } from 'node:crypto';

export interface StoredResponse {
  readonly status: number;
  readonly body: unknown;
}

export type Claim =
  /** first time: do the work, then `complete` (or `release` on failure) */
  | { readonly kind: 'claimed'; readonly slot: string }
  /** done before with the same request: answer this instead of doing the work again */
  | { readonly kind: 'replay'; readonly response: StoredResponse };

/** The same key with a different request (IETF idempotency-key draft: 422). */
export class IdempotencyKeyReusedError extends SluiceError {
  constructor() {
    super('INVALID_ARGUMENT', 'this Idempotency-Key was used with a different request', [
      { path: 'Idempotency-Key', message: 'was already used with a different request body' },
    ]);
  }
}

/** The first request with this key is still running (IETF idempotency-key draft: 409). */
export class IdempotencyKeyInFlightError extends SluiceError {
  constructor() {
    super('FAILED_PRECONDITION', 'a request with this Idempotency-Key is still being processed; retry later');
  }
}

const KEY = /^[\x21-\x7e]{1,255}$/;
const IN_FLIGHT_TTL_MS = 5 * 60 * 1000;

const digest = (value: string) => createHash('sha256').update(value).digest('base64url');

/**
 * Remembers, per tenant and Idempotency-Key, the first response to a request that creates work,
 * for `ttlMs` (24 h by default). The claim is one atomic SET NX, so two concurrent requests with
 * the same key can never both do the work.
 */
export class IdempotencyStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly ttlMs = 24 * 60 * 60 * 1000,
  ) {}

  static isValidKey(key: string): boolean {
    return KEY.test(key);
  }

  /** `fingerprint` identifies the request: method, route and body. */
  async claim(tenantId: string, key: string, fingerprint: string): Promise<Claim> {
    const slot = `${this.prefix}:idempotency:${tenantId}:${digest(key)}`;
    const request = digest(fingerprint);
    // Two rounds at most: the entry can expire between the failed SET NX and the GET.
    for (let round = 0; round < 2; round++) {
      const claimed = await this.redis.set(slot, JSON.stringify({ request }), 'PX', IN_FLIGHT_TTL_MS, 'NX');
      if (claimed === 'OK') return { kind: 'claimed', slot };
      const stored = await this.redis.get(slot);
      if (stored === null) continue;
      const entry = JSON.parse(stored) as { request: string; response?: StoredResponse };
      if (entry.request !== request) throw new IdempotencyKeyReusedError();
      if (!entry.response) throw new IdempotencyKeyInFlightError();
      return { kind: 'replay', response: entry.response };
    }
    throw new IdempotencyKeyInFlightError();
  }

  async complete(slot: string, fingerprint: string, response: StoredResponse): Promise<void> {
    await this.redis.set(slot, JSON.stringify({ request: digest(fingerprint), response }), 'PX', this.ttlMs);
  }

  /** The work failed: forget the key so the client may retry it. */
  async release(slot: string): Promise<void> {
    await this.redis.del(slot);
  }
}
