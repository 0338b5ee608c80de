import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { ServiceConfig } from '@sluice/config';
import { Readiness } from '@sluice/health';
import { createLogger, MetricsModule } from '@sluice/telemetry';
import { freePort } from '@sluice/testing';
import { Registry } from 'prom-client';
import { InfraModule } from './infra.module';
import { PRISMA } from './tokens';

// A service that says it does not use Prisma must not even load it.
jest.mock('@sluice/database', () => {
  throw new Error('Prisma was loaded');
});

/** An application with only the InfraModule of a service that reaches PostgreSQL without Prisma; its readiness. */
async function startWithoutPrisma(databaseUrl: string) {
  const readiness = new Readiness(5_000);
  const config = { service: 'transform', databaseUrl } as ServiceConfig;
  @Module({ imports: [MetricsModule.forRoot(new Registry()), InfraModule.forRoot(config, readiness, createLogger('transform', 'silent'), { prisma: false })] })
  class Root {}
  const app = await NestFactory.createApplicationContext(Root, { logger: false });
  return { app, readiness };
}

describe('InfraModule for a service without Prisma', () => {
  jest.setTimeout(30_000);

  it('provides no PRISMA and checks PostgreSQL readiness over a plain connection', async () => {
    const { app, readiness } = await startWithoutPrisma(process.env.DATABASE_URL ?? '');
    try {
      expect(() => app.get(PRISMA)).toThrow();
      const report = await readiness.evaluate();
      expect(report.checks.postgres).toMatchObject({ ok: true });
      expect(report.ready).toBe(true);
    } finally {
      await app.close();
    }
  });

  it('reports PostgreSQL not ready when nothing answers there', async () => {
    const { app, readiness } = await startWithoutPrisma(`postgresql://nobody:nothing@127.0.0.1:${await freePort()}/none`);
    try {
      const report = await readiness.evaluate();
      expect(report.checks.postgres).toMatchObject({ ok: false, error: expect.stringMatching(/ECONNREFUSED/) });
      expect(report.ready).toBe(false);
    } finally {
      await app.close();
    }
  });
});
