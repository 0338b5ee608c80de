import { Inject, Injectable } from '@nestjs/common';
import type { ServiceConfig } from '@sluice/config';
import { InvalidArgumentError, SluiceError } from '@sluice/contracts';
import { REDIS, SERVICE_CONFIG } from '@sluice/runtime';
import type { Redis } from 'ioredis';

export const MAX_VALUE_BYTES = 1024 * 1024;
const DEFAULT_TTL_MS = 60 * 60 * 1000;
const MAX_TTL_MS = 30 * 24 * 60 * 60 * 1000;
const KEY = /^[\x21-\x7e]{1,512}$/;

/** The tenant's cache keyspace in Redis: `<prefix>:cache:<tenant>:<key>`. */
@Injectable()
export class CacheStore {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
  ) {}

  async get(tenantId: string, key: string): Promise<Buffer | null> {
    return this.redis.getBuffer(this.redisKey(tenantId, key));
  }

  async set(tenantId: string, key: string, value: Buffer, ttlMs: number): Promise<void> {
    if (value.length > MAX_VALUE_BYTES) {
      throw new SluiceError('RESOURCE_EXHAUSTED', `value is ${value.length} bytes; the maximum is ${MAX_VALUE_BYTES}`);
    }
    if (!Number.isInteger(ttlMs) || ttlMs < 0 || ttlMs > MAX_TTL_MS) {
      throw new InvalidArgumentError('invalid request', [{ path: 'ttlMs', message: `must be 0..${MAX_TTL_MS}` }]);
    }
    await this.redis.set(this.redisKey(tenantId, key), value, 'PX', ttlMs || DEFAULT_TTL_MS);
  }

  async delete(tenantId: string, key: string): Promise<boolean> {
    return (await this.redis.unlink(this.redisKey(tenantId, key))) > 0;
  }

  private redisKey(tenantId: string, key: string): string {
    if (!KEY.test(key)) {
      throw new InvalidArgumentError('invalid request', [{ path: 'key', message: 'must be 1-512 printable ASCII characters without spaces' }]);
    }
    return `${this.config.redisPrefix}:cache:${tenantId}:${key}`;
  }
}
