import { NestFactory } from '@nestjs/core';
import { DatabaseModule } from './database.module';
import { pingDatabase } from './ping-database';
import { PrismaService } from './prisma.service';

describe('DatabaseModule', () => {
  it('provides a connected PrismaService and disconnects it when the application closes', async () => {
    const app = await NestFactory.createApplicationContext(DatabaseModule.forRoot({ url: process.env.DATABASE_URL ?? '' }), {
      logger: false,
    });
    const prisma = app.get(PrismaService);
    const disconnect = jest.spyOn(prisma, '$disconnect');
    try {
      await expect(pingDatabase(prisma, 2_000)).resolves.toBeUndefined();
    } finally {
      await app.close();
    }
    expect(disconnect).toHaveBeenCalledTimes(1);
  });

  it('refuses to start when the database cannot be reached', async () => {
    const unreachable = 'postgresql://nobody:nothing@127.0.0.1:1/none';
    await expect(
      NestFactory.createApplicationContext(DatabaseModule.forRoot({ url: unreachable, startupTimeoutMs: 1_000 }), {
        logger: false,
        abortOnError: false,
      }),
    ).rejects.toThrow();
  });
});
