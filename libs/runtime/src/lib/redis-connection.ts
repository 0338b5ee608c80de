import { Redis } from 'ioredis';

/**
 * A Redis client that keeps reconnecting (with capped backoff) for as long as the process lives,
 * and fails commands fast while disconnected instead of queueing them without bound.
 */
export function createRedisClient(url: string, connectionName: string): Redis {
  return new Redis(url, {
    connectionName,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: true,
    connectTimeout: 2_000,
    retryStrategy: (attempt) => Math.min(100 * 2 ** Math.min(attempt, 6), 3_000),
    reconnectOnError: () => true,
  });
}
