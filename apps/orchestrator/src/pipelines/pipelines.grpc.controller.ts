import type { Metadata } from '@grpc/grpc-js';
import { Controller, Inject } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import { orchestratorV1, parseOrThrow, toTimestamp } from '@sluice/contracts';
import { readCallContext } from '@sluice/grpc';
import { PipelineCatalog } from '@sluice/pipeline-runs';
import { PipelineName, pipelineJsonSchema } from '@sluice/pipeline-spec';
import { z } from 'zod';

const Limit = z.int().min(0).max(500).transform((n) => n || 50);
const Version = z.int().min(0, 'must be a positive version (0 for the latest)');

/** The pipeline-definition RPCs of PipelineService (the run RPCs are in RunsGrpcController). */
@Controller()
export class PipelinesGrpcController
  implements Pick<orchestratorV1.PipelineServiceController, 'validatePipeline' | 'putPipeline' | 'getPipeline' | 'listPipelines' | 'getPipelineSchema'>
{
  constructor(@Inject(PipelineCatalog) private readonly catalog: PipelineCatalog) {}

  @GrpcMethod('PipelineService')
  async validatePipeline(request: orchestratorV1.ValidatePipelineRequest, metadata: Metadata): Promise<orchestratorV1.ValidatePipelineResponse> {
    readCallContext(metadata);
    const result = await this.catalog.validate(request.text, request.contentType);
    return result.valid ? { valid: true, errors: [] } : { valid: false, errors: [...result.errors] };
  }

  @GrpcMethod('PipelineService')
  async putPipeline(request: orchestratorV1.PutPipelineRequest, metadata: Metadata): Promise<orchestratorV1.PutPipelineResponse> {
    const caller = readCallContext(metadata);
    const name = parseOrThrow(PipelineName, request.name, 'name');
    return this.catalog.put(caller.tenantId, name, request.text, request.contentType, caller.userId);
  }

  @GrpcMethod('PipelineService')
  async getPipeline(request: orchestratorV1.GetPipelineRequest, metadata: Metadata): Promise<orchestratorV1.GetPipelineResponse> {
    const { tenantId } = readCallContext(metadata);
    const name = parseOrThrow(PipelineName, request.name, 'name');
    const version = parseOrThrow(Version, request.version, 'version');
    const stored = await this.catalog.get(tenantId, name, version || undefined);
    return {
      pipeline: {
        name: stored.name,
        version: stored.version,
        definition: stored.definition,
        definitionHash: stored.definitionHash ?? '',
        createdBy: stored.createdBy ?? '',
        createdAt: toTimestamp(stored.createdAt),
      },
    };
  }

  /** The latest version of each of the tenant's pipelines, the most recently created first, a page at a time. */
  @GrpcMethod('PipelineService')
  async listPipelines(request: orchestratorV1.ListPipelinesRequest, metadata: Metadata): Promise<orchestratorV1.ListPipelinesResponse> {
    const { tenantId } = readCallContext(metadata);
    const { pipelines, nextCursor } = await this.catalog.list(tenantId, parseOrThrow(Limit, request.limit, 'limit'), request.cursor);
    return { pipelines: pipelines.map((p) => ({ name: p.name, version: p.version, createdAt: toTimestamp(p.createdAt) })), nextCursor };
  }

  @GrpcMethod('PipelineService')
  getPipelineSchema(_request: orchestratorV1.GetPipelineSchemaRequest, metadata: Metadata): orchestratorV1.GetPipelineSchemaResponse {
    readCallContext(metadata);
    return { schema: pipelineJsonSchema() as Record<string, unknown> };
  }
}
