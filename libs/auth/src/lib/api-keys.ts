import { NotFoundError, UnauthenticatedError } from '@sluice/contracts';
import type { PrismaClient } from '@sluice/database';
import { generateApiKey, parseApiKey } from './api-key-format';
import { afterPosition, type PageRequest } from './page-request';
import type { Principal, Role } from './principal';
import { keyedHash, sameDigest } from './secret-tokens';

export interface ApiKeyView {
  readonly id: string;
  readonly name: string;
  readonly prefix: string;
  readonly role: Role;
  readonly createdAt: Date;
  readonly lastUsedAt: Date | null;
  readonly expiresAt: Date | null;
}

export interface CreatedApiKey extends ApiKeyView {
  /** shown once, never stored */
  readonly key: string;
}

// Writing last-used on every request would make each authenticated call a write; once a minute is enough.
const LAST_USED_RESOLUTION_MS = 60_000;

/** API keys of a tenant: stored as keyed hashes, rotatable with a grace period. */
export class ApiKeys {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly pepper: string,
  ) {}

  async create(tenantId: string, createdBy: string | undefined, name: string, role: Role, rotatedFromId?: string): Promise<CreatedApiKey> {
    const { prefix, key } = generateApiKey();
    const row = await this.prisma.apiKey.create({
      data: { organizationId: tenantId, createdBy: createdBy ?? null, name, prefix, role, keyHash: keyedHash(this.pepper, key), rotatedFromId: rotatedFromId ?? null },
    });
    return { ...view(row), key };
  }

  /** Oldest first, keyset-paginated; never the secrets. */
  async list(tenantId: string, pageOf: PageRequest = { limit: 500 }): Promise<ApiKeyView[]> {
    const rows = await this.prisma.apiKey.findMany({
      where: { organizationId: tenantId, ...afterPosition(pageOf.after) },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      take: pageOf.limit,
    });
    return rows.map(view);
  }

  async delete(tenantId: string, id: string): Promise<void> {
    const { count } = await this.prisma.apiKey.deleteMany({ where: { id, organizationId: tenantId } });
    if (count === 0) throw new NotFoundError('API key');
  }

  /** A new key with the same name and role; the old one keeps working for `graceSeconds`. */
  async rotate(tenantId: string, id: string, createdBy: string | undefined, graceSeconds: number): Promise<CreatedApiKey> {
    const old = await this.prisma.apiKey.findFirst({ where: { id, organizationId: tenantId } });
    if (!old || (old.expiresAt && old.expiresAt <= new Date())) throw new NotFoundError('API key');
    const expiresAt = new Date(Date.now() + graceSeconds * 1000);
    await this.prisma.apiKey.update({ where: { id }, data: { expiresAt: old.expiresAt && old.expiresAt < expiresAt ? old.expiresAt : expiresAt } });
    return this.create(tenantId, createdBy, old.name, old.role, old.id);
  }

  /** The principal of a presented key; UnauthenticatedError when unknown, wrong or expired. */
  async authenticate(presented: string): Promise<Principal> {
    const parsed = parseApiKey(presented);
    const row = parsed ? await this.prisma.apiKey.findUnique({ where: { prefix: parsed.prefix } }) : null;
    const now = new Date();
    if (!parsed || !row || !sameDigest(row.keyHash, keyedHash(this.pepper, parsed.key)) || (row.expiresAt && row.expiresAt <= now)) {
      throw new UnauthenticatedError('API key invalid or expired');
    }
    if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
      await this.prisma.apiKey.update({ where: { id: row.id }, data: { lastUsedAt: now } });
    }
    return { kind: 'api_key', id: row.id, tenantId: row.organizationId, role: row.role };
  }
}

function view(row: { id: string; name: string; prefix: string; role: Role; createdAt: Date; lastUsedAt: Date | null; expiresAt: Date | null }): ApiKeyView {
  return { id: row.id, name: row.name, prefix: row.prefix, role: row.role, createdAt: row.createdAt, lastUsedAt: row.lastUsedAt, expiresAt: row.expiresAt };
}
