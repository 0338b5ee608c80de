import { Module } from '@nestjs/common';
import type { PrismaClient } from '@sluice/database';
import { PipelineCatalog, PipelineRepository } from '@sluice/pipeline-runs';
import { PRISMA } from '@sluice/runtime';
import { PipelinesGrpcController } from './pipelines.grpc.controller';

@Module({
  controllers: [PipelinesGrpcController],
  providers: [
    { provide: PipelineRepository, inject: [PRISMA], useFactory: (prisma: PrismaClient) => new PipelineRepository(prisma) },
    { provide: PipelineCatalog, inject: [PipelineRepository], useFactory: (repo: PipelineRepository) => new PipelineCatalog(repo) },
  ],
  exports: [PipelineRepository],
})
export class PipelinesModule {}
