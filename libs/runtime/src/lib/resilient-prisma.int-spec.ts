import { createPrismaClient, type PrismaClient } from '@sluice/database';
import { createMigratedTestDatabase, type TestDatabase } from '@sluice/database/testing';
import { BreakerRegistry, CircuitOpenError } from '@sluice/resilience';
import { freePort } from '@sluice/testing';
import { Registry } from 'prom-client';
import { isQueryLevelError, withCircuitBreaker } from './resilient-prisma';

const breakerFor = (name: string) =>
  new BreakerRegistry({ metricsRegistry: new Registry() }).create(name, { errorFilter: isQueryLevelError, volumeThreshold: 5, resetTimeoutMs: 60_000 });

describe('PostgreSQL through a circuit breaker', () => {
  let database: TestDatabase;
  const clients: PrismaClient[] = [];

  beforeAll(async () => {
    database = await createMigratedTestDatabase();
  }, 60_000);

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.$disconnect()));
    await database?.dispose();
  });

  it('opens when the database does not answer, then fails at once without trying', async () => {
    const deadUrl = `postgresql://nobody:nothing@127.0.0.1:${await freePort()}/none`;
    const breaker = breakerFor('postgres-dead');
    const prisma = withCircuitBreaker(createPrismaClient(deadUrl, { connectionTimeoutMs: 1_000 }), breaker);
    clients.push(prisma);
    const outcomes = [];
    for (let i = 0; i < 12; i++) outcomes.push(await prisma.task.count().then(() => 'ok', (e: unknown) => (e instanceof CircuitOpenError ? 'open' : 'failed')));
    expect(outcomes.slice(0, 5)).toEqual(Array(5).fill('failed'));
    expect(outcomes.slice(5)).toEqual(Array(7).fill('open'));
    expect(breaker.state).toBe('open');
  });

  it('does not open for errors the database answered (constraint violations)', async () => {
    const breaker = breakerFor('postgres-live');
    const prisma = withCircuitBreaker(createPrismaClient(database.url), breaker);
    clients.push(prisma);
    const org = await prisma.organization.create({ data: { name: 'x' } });
    await prisma.user.create({ data: { organizationId: org.id, email: 'same@example.org', passwordHash: 'h', role: 'member' } });
    for (let i = 0; i < 8; i++) {
      await expect(
        prisma.user.create({ data: { organizationId: org.id, email: 'same@example.org', passwordHash: 'h', role: 'member' } }),
      ).rejects.toBeDefined();
    }
    expect(breaker.state).toBe('closed');
    expect(await prisma.user.count()).toBe(1);
    expect(await prisma.$queryRaw`SELECT 1 AS one`).toEqual([{ one: 1 }]);
  });
});
