import type { Redis } from 'ioredis';

/**
 * A Redis client that keeps reconnecting (with capped backoff) for as long as the process lives,
 * and fails commands fast while disconnected instead of queueing them without bound.
 */
export function createRedisClient(url: string, connectionName: string): Redis {
  // Loaded on first use, not with this module: ioredis subclasses String, which slows String
  // built-ins process-wide, and services without Redis should not pay for that.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Redis: RedisClient } = require('ioredis') as typeof import('ioredis');
  return new RedisClient(url, {
    connectionName,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: true,
    connectTimeout: 2_000,
    retryStrategy: (attempt) => Math.min(100 * 2 ** Math.min(attempt, 6), 3_000),
    reconnectOnError: () => true,
  });
}
