import { createPrismaClient, Prisma, type PrismaClient } from '@sluice/database';
import type { Breaker, BreakerRegistry } from '@sluice/resilience';

// P1xxx: the server cannot be reached or timed out; P2024: no pool connection in time.
const CONNECTION_CODES = /^P1\d{3}$|^P2024$/;

/**
 * The database answered and refused this query (a constraint, a missing row, bad input): the
 * caller's problem, not an outage, so it must not open the breaker. Prisma reports unreachable
 * servers as known request errors too, with P1xxx codes: those do count.
 */
export const isQueryLevelError = (error: unknown) =>
  (error instanceof Prisma.PrismaClientKnownRequestError && !CONNECTION_CODES.test(error.code)) ||
  error instanceof Prisma.PrismaClientValidationError;

/**
 * Every query (model operations and raw SQL) through the `postgres` breaker: while PostgreSQL is
 * down, queries fail at once with UNAVAILABLE instead of each waiting for a connection, and the
 * readiness check's query is the probe that closes the breaker again.
 */
export function withCircuitBreaker(prisma: PrismaClient, breaker: Breaker): PrismaClient {
  // The extension changes no method signatures, so the extended client is used as a PrismaClient.
  return prisma.$extends({
    query: {
      $allOperations: ({ args, query }) => breaker.execute(() => query(args), { timeoutMs: false }),
    },
  }) as unknown as PrismaClient;
}

/** The service's Prisma client on `url`, behind the `postgres` breaker of `breakers`. */
export function connectPrisma(url: string, breakers: BreakerRegistry): PrismaClient {
  const breaker = breakers.create('postgres', { errorFilter: isQueryLevelError });
  return withCircuitBreaker(createPrismaClient(url, { connectionTimeoutMs: 5_000 }), breaker);
}
