import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { PrismaClient } from '../generated/prisma/client';
import { pingDatabase } from './ping-database';
import { prismaClientOptions, type PrismaClientOptions } from './prisma-client.factory';

export interface DatabaseModuleOptions extends PrismaClientOptions {
  /** PostgreSQL connection URL, from the service's validated config. */
  readonly url: string;
  /** How long start-up waits for the database to answer before failing, in ms (default 10 000). */
  readonly startupTimeoutMs?: number;
}

export const DATABASE_MODULE_OPTIONS = Symbol('DATABASE_MODULE_OPTIONS');

/**
 * The Prisma client as a Nest provider. On module init it proves the database answers (with a
 * driver adapter `$connect()` alone opens nothing, so a wrong URL would only show at the first
 * query); on module destroy it closes the pool.
 */
@Injectable()
export class PrismaService extends PrismaClient implements OnModuleInit, OnModuleDestroy {
  readonly #startupTimeoutMs: number;

  constructor(@Inject(DATABASE_MODULE_OPTIONS) options: DatabaseModuleOptions) {
    super(prismaClientOptions(options.url, options));
    this.#startupTimeoutMs = options.startupTimeoutMs ?? 10_000;
  }

  async onModuleInit(): Promise<void> {
    await this.$connect();
    await pingDatabase(this, this.#startupTimeoutMs);
  }

  async onModuleDestroy(): Promise<void> {
    await this.$disconnect();
  }
}
