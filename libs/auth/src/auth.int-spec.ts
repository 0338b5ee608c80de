import { NotFoundError, UnauthenticatedError } from '@sluice/contracts';
import { createPrismaClient, type PrismaClient } from '@sluice/database';
import { createMigratedTestDatabase, type TestDatabase } from '@sluice/database/testing';
import { Accounts, ApiKeys, AuditLog, EmailTakenError, InvalidCredentialsError, RefreshTokenReuseError, RefreshTokens } from './index';

const PEPPER = 'Pm4nB6vC8xZ0lK2jH4gF6dS8aQ1wE3rT';

describe('auth on PostgreSQL', () => {
  let database: TestDatabase;
  let prisma: PrismaClient;
  let accounts: Accounts;

  beforeAll(async () => {
    database = await createMigratedTestDatabase();
    prisma = createPrismaClient(database.url);
    accounts = new Accounts(prisma);
  }, 60_000);

  afterAll(async () => {
    await prisma?.$disconnect();
    await database?.dispose();
  });

  describe('accounts', () => {
    it('signs up a tenant whose first user is admin, and refuses the same email twice in any case', async () => {
      const { user, organization } = await accounts.signup('Ada@Example.org', 'correct horse battery', 'Analytical');
      expect(user).toMatchObject({ email: 'ada@example.org', role: 'admin', organizationId: organization.id });
      await expect(accounts.signup('ADA@example.org', 'another long password', 'Other')).rejects.toBeInstanceOf(EmailTakenError);
      expect(await prisma.organization.count({ where: { name: 'Other' } })).toBe(0);
    });

    it('verifies credentials without telling which part was wrong', async () => {
      await accounts.signup('grace@example.org', 'a very long password', 'Hopper');
      await expect(accounts.verifyCredentials('GRACE@example.org', 'a very long password')).resolves.toMatchObject({ email: 'grace@example.org' });
      await expect(accounts.verifyCredentials('grace@example.org', 'wrong password!!')).rejects.toBeInstanceOf(InvalidCredentialsError);
      await expect(accounts.verifyCredentials('nobody@example.org', 'a very long password')).rejects.toBeInstanceOf(InvalidCredentialsError);
    });

    it('scopes users by tenant', async () => {
      const a = await accounts.signup('a@tenant.example', 'password password', 'A');
      const b = await accounts.signup('b@tenant.example', 'password password', 'B');
      await expect(accounts.user(b.organization.id, a.user.id)).rejects.toBeInstanceOf(NotFoundError);
      expect((await accounts.users(a.organization.id)).map((u) => u.email)).toEqual(['a@tenant.example']);
    });
  });

  describe('refresh tokens', () => {
    it('rotates on every use and revokes the whole family when a used token comes back', async () => {
      const { user } = await accounts.signup('rot@example.org', 'password password', 'Rot');
      const tokens = new RefreshTokens(prisma, 3600);
      const first = await tokens.issue(user.id);
      const second = await tokens.rotate(first);
      const third = await tokens.rotate(second.token);
      await expect(tokens.rotate(first)).rejects.toBeInstanceOf(RefreshTokenReuseError);
      // the thief's reuse also kills the legitimate holder's newest token
      await expect(tokens.rotate(third.token)).rejects.toBeInstanceOf(UnauthenticatedError);
    });

    it('lets only one of two concurrent uses of one token win', async () => {
      const { user } = await accounts.signup('race@example.org', 'password password', 'Race');
      const tokens = new RefreshTokens(prisma, 3600);
      const token = await tokens.issue(user.id);
      const results = await Promise.allSettled([tokens.rotate(token), tokens.rotate(token)]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    });

    it('refuses an expired or revoked token', async () => {
      const { user } = await accounts.signup('exp@example.org', 'password password', 'Exp');
      const expired = await new RefreshTokens(prisma, -1).issue(user.id);
      await expect(new RefreshTokens(prisma, 3600).rotate(expired)).rejects.toBeInstanceOf(UnauthenticatedError);
      const tokens = new RefreshTokens(prisma, 3600);
      const live = await tokens.issue(user.id);
      await tokens.revoke(live);
      await expect(tokens.rotate(live)).rejects.toBeInstanceOf(UnauthenticatedError);
    });
  });

  describe('API keys', () => {
    it('authenticates a key shown once, stores only its keyed hash, and refuses a changed key', async () => {
      const { user, organization } = await accounts.signup('keys@example.org', 'password password', 'Keys');
      const keys = new ApiKeys(prisma, PEPPER);
      const created = await keys.create(organization.id, user.id, 'ci', 'member');
      expect(await keys.authenticate(created.key)).toEqual({ kind: 'api_key', id: created.id, tenantId: organization.id, role: 'member' });
      const row = await prisma.apiKey.findUniqueOrThrow({ where: { id: created.id } });
      expect(row.keyHash).not.toContain(created.key.slice(-43));
      const tampered = created.key.slice(0, -1) + (created.key.endsWith('A') ? 'B' : 'A');
      await expect(keys.authenticate(tampered)).rejects.toBeInstanceOf(UnauthenticatedError);
      await expect(new ApiKeys(prisma, 'another-pepper-another-pepper-xx').authenticate(created.key)).rejects.toBeInstanceOf(UnauthenticatedError);
      expect((await keys.list(organization.id)).map((k) => Object.keys(k).includes('key'))).toEqual([false]);
    });

    it('keeps the old key working through the grace period after rotation, then refuses it', async () => {
      const { user, organization } = await accounts.signup('rotate@example.org', 'password password', 'Rotate');
      const keys = new ApiKeys(prisma, PEPPER);
      const old = await keys.create(organization.id, user.id, 'deploy', 'admin');
      const fresh = await keys.rotate(organization.id, old.id, user.id, 1);
      expect(fresh).toMatchObject({ name: 'deploy', role: 'admin' });
      await expect(keys.authenticate(old.key)).resolves.toMatchObject({ id: old.id });
      await new Promise((r) => setTimeout(r, 1_100));
      await expect(keys.authenticate(old.key)).rejects.toBeInstanceOf(UnauthenticatedError);
      await expect(keys.authenticate(fresh.key)).resolves.toMatchObject({ id: fresh.id });
    });

    it('deletes only within the tenant', async () => {
      const a = await accounts.signup('del-a@example.org', 'password password', 'DelA');
      const b = await accounts.signup('del-b@example.org', 'password password', 'DelB');
      const keys = new ApiKeys(prisma, PEPPER);
      const key = await keys.create(a.organization.id, a.user.id, 'x', 'member');
      await expect(keys.delete(b.organization.id, key.id)).rejects.toBeInstanceOf(NotFoundError);
      await keys.delete(a.organization.id, key.id);
      await expect(keys.authenticate(key.key)).rejects.toBeInstanceOf(UnauthenticatedError);
    });
  });

  describe('audit log', () => {
    it('lists a tenant\'s events newest first, filtered and paginated', async () => {
      const { organization } = await accounts.signup('audit@example.org', 'password password', 'Audit');
      const log = new AuditLog(prisma);
      for (const action of ['auth.login', 'api_key.create', 'auth.login']) {
        await log.record({ tenantId: organization.id, actor: { type: 'user', id: 'u1' }, action, outcome: 'success', ip: '127.0.0.1' });
      }
      await log.record({ tenantId: null, actor: { type: 'anonymous' }, action: 'auth.login', outcome: 'failure' });
      const logins = await log.list(organization.id, { action: 'auth.login', limit: 10 });
      expect(logins).toHaveLength(2);
      const page1 = await log.list(organization.id, { limit: 2 });
      const page2 = await log.list(organization.id, { limit: 2, after: { createdAt: page1[1].createdAt, id: page1[1].id } });
      expect([...page1, ...page2].map((e) => e.action)).toEqual(['auth.login', 'api_key.create', 'auth.login']);
    });
  });
});
