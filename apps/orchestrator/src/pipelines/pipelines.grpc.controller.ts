import type { Metadata } from '@grpc/grpc-js';
import { Controller, Inject } from '@nestjs/common';
import { orchestratorV1, parseOrThrow, toTimestamp } from '@sluice/contracts';
import type { PrismaClient } from '@sluice/database';
import { readCallContext } from '@sluice/grpc';
import { PRISMA } from '@sluice/runtime';
import { z } from 'zod';

const Limit = z.int().min(0).max(500).transform((n) => n || 50);

@Controller()
@orchestratorV1.PipelineServiceControllerMethods()
export class PipelinesGrpcController implements orchestratorV1.PipelineServiceController {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  /** The latest version of each of the tenant's pipelines, by name. */
  async listPipelines(request: orchestratorV1.ListPipelinesRequest, metadata: Metadata): Promise<orchestratorV1.ListPipelinesResponse> {
    const { tenantId } = readCallContext(metadata);
    const take = parseOrThrow(Limit, request.limit, 'limit');
    const rows = await this.prisma.pipeline.findMany({
      where: { tenantId },
      distinct: ['name'],
      orderBy: [{ name: 'asc' }, { version: 'desc' }],
      take,
    });
    return { pipelines: rows.map((r) => ({ name: r.name, version: r.version, createdAt: toTimestamp(r.createdAt) })) };
  }
}
