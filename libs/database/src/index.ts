export { createPrismaClient } from './lib/prisma-client.factory';
export type { PrismaClientOptions } from './lib/prisma-client.factory';
export { DatabaseModule } from './lib/database.module';
export { PrismaService } from './lib/prisma.service';
export type { DatabaseModuleOptions } from './lib/prisma.service';
export { pingDatabase, DatabasePingTimeoutError } from './lib/ping-database';
export type { DatabasePingable } from './lib/ping-database';
export { PrismaClient, Prisma, TaskStatus } from './generated/prisma/client';
export type { Organization, Task, Page, Pipeline } from './generated/prisma/client';
