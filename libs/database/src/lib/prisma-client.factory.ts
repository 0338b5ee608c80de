import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient, type Prisma } from '../generated/prisma/client';

export interface PrismaClientOptions {
  /** Most connections the client's pool opens; pg's default (10) when unset. */
  readonly maxConnections?: number;
  /** How long to wait for a new connection before failing, in ms; pg waits forever when unset. */
  readonly connectionTimeoutMs?: number;
  /** Prisma log levels to emit (to stdout/stderr), e.g. `['warn', 'error']`. */
  readonly log?: readonly Prisma.LogLevel[];
}

/** The options the generated `PrismaClient` is constructed with: PostgreSQL through adapter-pg, no engine binary. */
export function prismaClientOptions(databaseUrl: string, options: PrismaClientOptions = {}): Prisma.PrismaClientOptions {
  const adapter = new PrismaPg({
    connectionString: databaseUrl,
    max: options.maxConnections,
    connectionTimeoutMillis: options.connectionTimeoutMs,
  });
  return { adapter, log: options.log ? [...options.log] : undefined };
}

/** A Prisma client for `databaseUrl`; the caller owns it and must `$disconnect()` it. */
export function createPrismaClient(databaseUrl: string, options: PrismaClientOptions = {}): PrismaClient {
  return new PrismaClient(prismaClientOptions(databaseUrl, options));
}
