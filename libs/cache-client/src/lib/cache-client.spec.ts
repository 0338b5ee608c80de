import { createCacheClient } from './cache-client';
import { CacheClientConfigError } from './cache-client-errors';

describe('createCacheClient', () => {
  it('refuses a near-cache without NATS, which could never be kept coherent', async () => {
    await expect(
      createCacheClient({
        address: '127.0.0.1:1',
        internalToken: 'x'.repeat(32),
        tenantId: 't',
        nearCache: { maxEntries: 10, maxBytes: 1000, ttlMs: 1000 },
      }),
    ).rejects.toBeInstanceOf(CacheClientConfigError);
  });
});
