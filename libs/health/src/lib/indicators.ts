import type { DependencyCheck } from './dependency-check';

/** The parts of an ioredis client a readiness check needs. */
export interface RedisPingable {
  ping(): Promise<unknown>;
}

/** The parts of a NATS connection a readiness check needs. */
export interface NatsFlushable {
  isClosed(): boolean;
  flush(): Promise<void>;
}

export const redisCheck = (redis: RedisPingable): DependencyCheck => ({
  name: 'redis',
  check: async () => {
    await redis.ping();
  },
});

export const natsCheck = (nats: NatsFlushable): DependencyCheck => ({
  name: 'nats',
  check: async () => {
    if (nats.isClosed()) throw new Error('connection closed');
    await nats.flush();
  },
});

export const postgresCheck = (query: (signal: AbortSignal) => Promise<unknown>): DependencyCheck => ({
  name: 'postgres',
  check: async (signal) => {
    await query(signal);
  },
});
