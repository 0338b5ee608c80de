import type { Prisma, PrismaClient } from '@sluice/database';

export type AuditOutcome = 'success' | 'denied' | 'failure';

export interface AuditEntry {
  readonly tenantId?: string | null;
  readonly actor: { readonly type: 'user' | 'api_key' | 'anonymous'; readonly id?: string | null };
  /** e.g. `auth.login`, `api_key.rotate`, `lock.force_release` */
  readonly action: string;
  readonly target?: string | null;
  readonly outcome: AuditOutcome;
  readonly ip?: string | null;
  readonly requestId?: string | null;
  readonly details?: Record<string, unknown>;
}

export interface AuditQuery {
  readonly actor?: string;
  readonly action?: string;
  readonly limit: number;
  /** id of the last event of the previous page */
  readonly after?: { readonly createdAt: Date; readonly id: string };
}

/** Who did what, append-only, per tenant. */
export class AuditLog {
  constructor(private readonly prisma: PrismaClient) {}

  async record(entry: AuditEntry): Promise<void> {
    await this.prisma.auditEvent.create({
      data: {
        organizationId: entry.tenantId ?? null,
        actorType: entry.actor.type,
        actorId: entry.actor.id ?? null,
        action: entry.action,
        target: entry.target ?? null,
        outcome: entry.outcome,
        ip: entry.ip ?? null,
        requestId: entry.requestId ?? null,
        details: (entry.details ?? undefined) as Prisma.InputJsonValue | undefined,
      },
    });
  }

  /** Newest first, keyset-paginated. */
  list(tenantId: string, query: AuditQuery) {
    return this.prisma.auditEvent.findMany({
      where: {
        organizationId: tenantId,
        ...(query.actor ? { actorId: query.actor } : {}),
        ...(query.action ? { action: query.action } : {}),
        ...(query.after
          ? { OR: [{ createdAt: { lt: query.after.createdAt } }, { createdAt: query.after.createdAt, id: { lt: query.after.id } }] }
          : {}),
      },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: query.limit,
    });
  }
}
