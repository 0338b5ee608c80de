import { NotFoundError } from '@sluice/contracts';
import { Prisma, type PrismaClient } from '@sluice/database';
import { EmailTakenError, InvalidCredentialsError } from './auth-errors';
import { dummyPasswordHash, hashPassword, verifyPassword } from './password-hasher';
import type { Role } from './principal';
import { afterPosition, type PageRequest } from './page-request';

export interface UserView {
  readonly id: string;
  readonly email: string;
  readonly role: Role;
  readonly organizationId: string;
  readonly createdAt: Date;
}

export interface OrganizationView {
  readonly id: string;
  readonly name: string;
  readonly createdAt: Date;
}

const normaliseEmail = (email: string) => email.trim().toLowerCase();

const isUniqueViolation = (error: unknown) => error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';

/** Organizations (tenants) and their users, in the auth schema. */
export class Accounts {
  constructor(private readonly prisma: PrismaClient) {}

  /** A new tenant whose first user is its admin, in one transaction. */
  async signup(email: string, password: string, organization: string): Promise<{ user: UserView; organization: OrganizationView }> {
    const passwordHash = await hashPassword(password);
    try {
      return await this.prisma.$transaction(async (tx) => {
        const org = await tx.organization.create({ data: { name: organization } });
        const user = await tx.user.create({ data: { organizationId: org.id, email: normaliseEmail(email), passwordHash, role: 'admin' } });
        return { user: userView(user), organization: { id: org.id, name: org.name, createdAt: org.createdAt } };
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new EmailTakenError();
      throw error;
    }
  }

  async createUser(tenantId: string, email: string, password: string, role: Role): Promise<UserView> {
    const passwordHash = await hashPassword(password);
    try {
      return userView(await this.prisma.user.create({ data: { organizationId: tenantId, email: normaliseEmail(email), passwordHash, role } }));
    } catch (error) {
      if (isUniqueViolation(error)) throw new EmailTakenError();
      throw error;
    }
  }

  /** The user with these credentials. Unknown emails cost the same hash as known ones. */
  async verifyCredentials(email: string, password: string): Promise<UserView> {
    const user = await this.prisma.user.findUnique({ where: { email: normaliseEmail(email) } });
    const ok = await verifyPassword(user?.passwordHash ?? (await dummyPasswordHash()), password);
    if (!user || !ok) throw new InvalidCredentialsError();
    await this.prisma.user.update({ where: { id: user.id }, data: { lastLoginAt: new Date() } });
    return userView(user);
  }

  async user(tenantId: string, id: string): Promise<UserView> {
    const user = await this.prisma.user.findFirst({ where: { id, organizationId: tenantId } });
    if (!user) throw new NotFoundError('user');
    return userView(user);
  }

  /** By id alone: only for flows that already proved who the user is (a valid refresh token). */
  async userById(id: string): Promise<UserView> {
    const user = await this.prisma.user.findUnique({ where: { id } });
    if (!user) throw new NotFoundError('user');
    return userView(user);
  }

  /** Oldest first, keyset-paginated. */
  async users(tenantId: string, pageOf: PageRequest = { limit: 500 }): Promise<UserView[]> {
    const rows = await this.prisma.user.findMany({
      where: { organizationId: tenantId, ...afterPosition(pageOf.after) },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      take: pageOf.limit,
    });
    return rows.map(userView);
  }

  async organization(tenantId: string): Promise<OrganizationView> {
    const org = await this.prisma.organization.findUnique({ where: { id: tenantId } });
    if (!org) throw new NotFoundError('organization');
    return { id: org.id, name: org.name, createdAt: org.createdAt };
  }
}

function userView(u: { id: string; email: string; role: Role; organizationId: string; createdAt: Date }): UserView {
  return { id: u.id, email: u.email, role: u.role, organizationId: u.organizationId, createdAt: u.createdAt };
}
