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

  /** The latest version of each pipeline, by name. */
  async listLatest(tenantId: string, limit: number): Promise<Pick<StoredPipeline, 'name' | 'version' | 'createdAt'>[]> {
    return this.prisma.pipeline.findMany({
      where: { tenantId },
      distinct: ['name'],
      orderBy: [{ name: 'asc' }, { version: 'desc' }],
      take: limit,
      select: { name: true, version: true, createdAt: true },
    });
  }
}
