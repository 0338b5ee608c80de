import type { KeysetPosition } from '@sluice/contracts';
import type { Pipeline as PipelineDefinition } from '@sluice/pipeline-spec';
import type { Prisma, PrismaClient } from '@sluice/database';

export interface StoredPipeline {
  readonly tenantId: string;
  readonly name: string;
  readonly version: number;
  readonly definition: Record<string, unknown>;
  readonly definitionHash: string | null;
  readonly createdBy: string | null;
  readonly createdAt: Date;
}

/** One pipeline in a list: its latest version, and where it stands in the list order (its first version). */
export interface PipelineListEntry extends Pick<StoredPipeline, 'name' | 'version' | 'createdAt'> {
  readonly position: KeysetPosition;
}

/** Serialises writers of one key for the rest of the transaction (PostgreSQL advisory lock). */
export async function lockKeyInTransaction(tx: Prisma.TransactionClient, key: string): Promise<void> {
  await tx.$queryRaw`SELECT 1 AS locked FROM (SELECT pg_advisory_xact_lock(hashtextextended(${key}, 0))) AS taken`;
}

/** Versioned pipeline definitions in `pipeline.pipelines`. Every query is scoped by tenant. */
export class PipelineRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /**
   * Stores the definition as the next version, unless the latest version has the same hash (then
   * nothing is written). Concurrent puts of one pipeline are serialised, so versions never collide.
   */
  put(tenantId: string, pipeline: PipelineDefinition, definitionHash: string, createdBy: string | undefined): Promise<{ version: number; created: boolean }> {
    return this.prisma.$transaction(async (tx) => {
      await lockKeyInTransaction(tx, `pipeline-definition:${tenantId}:${pipeline.name}`);
      const latest = await tx.pipeline.findFirst({ where: { tenantId, name: pipeline.name }, orderBy: { version: 'desc' } });
      if (latest && latest.definitionHash === definitionHash) return { version: latest.version, created: false };
      const version = (latest?.version ?? 0) + 1;
      await tx.pipeline.create({
        data: { tenantId, name: pipeline.name, version, definition: pipeline as unknown as Prisma.InputJsonValue, definitionHash, createdBy: createdBy ?? null },
      });
      return { version, created: true };
    });
  }

  /** One version, or the latest when `version` is undefined. */
  async find(tenantId: string, name: string, version?: number): Promise<StoredPipeline | null> {
    const row = await this.prisma.pipeline.findFirst({ where: { tenantId, name, ...(version ? { version } : {}) }, orderBy: { version: 'desc' } });
    return row ? { ...row, definition: row.definition as Record<string, unknown> } : null;
  }

  /**
   * The latest version of each pipeline, the most recently created pipeline first; `after` is the
   * position of the last entry of the previous page. The order is that of each pipeline's first
   * version, which never changes, so a new version stored while a client pages moves nothing.
   */
  async listLatest(tenantId: string, limit: number, after?: KeysetPosition): Promise<PipelineListEntry[]> {
    const firsts = await this.prisma.pipeline.findMany({
      where: {
        tenantId,
        version: 1,
        ...(after ? { OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }] } : {}),
      },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: limit,
      select: { id: true, name: true, createdAt: true },
    });
    if (firsts.length === 0) return [];
    const latest = await this.prisma.pipeline.findMany({
      where: { tenantId, name: { in: firsts.map((first) => first.name) } },
      distinct: ['name'],
      orderBy: [{ name: 'asc' }, { version: 'desc' }],
      select: { name: true, version: true, createdAt: true },
    });
    const latestByName = new Map(latest.map((row) => [row.name, row]));
    return firsts.map((first) => {
      const newest = latestByName.get(first.name) ?? { version: 1, createdAt: first.createdAt };
      return { name: first.name, version: newest.version, createdAt: newest.createdAt, position: { createdAt: first.createdAt, id: first.id } };
    });
  }
}
