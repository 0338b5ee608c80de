import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post, Put, Query, UseFilters } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@sluice/auth';
import { parseOrThrow, timestampToIso, UnavailableError } from '@sluice/contracts';
import { activeRunIdOf, RunAlreadyActiveError } from '@sluice/pipeline-runs';
import { PipelineName } from '@sluice/pipeline-spec';
import { Audited } from '../auth/audit.interceptor';
import { CurrentPrincipal } from '../auth/auth-metadata';
import { Idempotent } from '../idempotency/idempotency.interceptor';
import { openApiSchema } from '../openapi';
import { ListQuery } from '../pagination';
import { UpstreamCaller } from '../upstream/upstream-caller';
import { definitionText, PipelineQuery, StartRunBody } from './pipeline-body';
import { RunConflictFilter } from './run-conflict.filter';
import { toPipelineView, toRunView } from './run-view';
import { YAML_MEDIA_TYPES } from './yaml-body-parser';

@ApiTags('pipelines')
@Controller('v1/pipelines')
export class PipelinesController {
  constructor(@Inject(UpstreamCaller) private readonly upstream: UpstreamCaller) {}

  @Post('validate')
  @HttpCode(200)
  @ApiOperation({ summary: 'Check a pipeline definition (YAML or JSON) without storing it' })
  @ApiConsumes(...YAML_MEDIA_TYPES, 'application/json')
  @ApiResponse({ status: 200, description: '{ valid, errors: [{ path, message }] }' })
  async validate(@CurrentPrincipal() principal: Principal, @Body() body: unknown, @Headers('content-type') contentType: string | undefined) {
    const { text, contentType: type } = definitionText(body, contentType);
    const reply = await this.upstream.call('orchestrator', principal, (orchestrator, metadata) => orchestrator.validatePipeline({ text, contentType: type }, metadata));
    return { valid: reply.valid, errors: reply.errors };
  }

  @Get()
  @ApiOperation({ summary: 'The latest version of each pipeline of the organization, the most recently created pipeline first' })
  @ApiQuery({ name: 'limit', required: false })
  @ApiQuery({ name: 'cursor', required: false })
  async list(@CurrentPrincipal() principal: Principal, @Query() query: unknown) {
    const { limit, cursor } = parseOrThrow(ListQuery, query);
    const reply = await this.upstream.call('orchestrator', principal, (orchestrator, metadata) => orchestrator.listPipelines({ limit, cursor: cursor ?? '' }, metadata));
    return {
      items: reply.pipelines.map((p) => ({ name: p.name, version: p.version, createdAt: timestampToIso(p.createdAt) ?? null })),
      nextCursor: reply.nextCursor || null,
    };
  }

  @Get('schema')
  @ApiOperation({ summary: 'The JSON Schema (draft 2020-12) of pipeline definitions' })
  async schema(@CurrentPrincipal() principal: Principal) {
    const reply = await this.upstream.call('orchestrator', principal, (orchestrator, metadata) => orchestrator.getPipelineSchema({}, metadata));
    return reply.schema ?? {};
  }

  @Put(':name')
  @Audited('pipeline.put')
  @ApiOperation({ summary: 'Store a pipeline definition; a new version only when it changed' })
  @ApiConsumes(...YAML_MEDIA_TYPES, 'application/json')
  @ApiParam({ name: 'name' })
  @ApiResponse({ status: 200, description: '{ name, version }' })
  @ApiResponse({ status: 400, description: 'problem+json with every problem and its path in `errors`; nothing stored' })
  async put(@CurrentPrincipal() principal: Principal, @Param('name') name: string, @Body() body: unknown, @Headers('content-type') contentType: string | undefined) {
    const pipeline = parseOrThrow(PipelineName, name, 'name');
    const { text, contentType: type } = definitionText(body, contentType);
    const reply = await this.upstream.call('orchestrator', principal, (orchestrator, metadata) => orchestrator.putPipeline({ name: pipeline, text, contentType: type }, metadata));
    return { name: reply.name, version: reply.version };
  }

  @Get(':name')
  @ApiOperation({ summary: 'A pipeline: its latest version, or ?version=' })
  @ApiParam({ name: 'name' })
  @ApiQuery({ name: 'version', required: false })
  @ApiResponse({ status: 404, description: 'no such pipeline (or version) for this organization' })
  async get(@CurrentPrincipal() principal: Principal, @Param('name') name: string, @Query() query: unknown) {
    const pipeline = parseOrThrow(PipelineName, name, 'name');
    const { version } = parseOrThrow(PipelineQuery, query);
    const reply = await this.upstream.call('orchestrator', principal, (orchestrator, metadata) => orchestrator.getPipeline({ name: pipeline, version: version ?? 0 }, metadata));
    if (!reply.pipeline) throw new UnavailableError('the orchestrator answered without a pipeline');
    return toPipelineView(reply.pipeline);
  }

  @Post(':name/runs')
  @HttpCode(202)
  @Audited('run.start')
  @Idempotent()
  @UseFilters(RunConflictFilter)
  @ApiOperation({ summary: 'Start a run of the latest version (honours Idempotency-Key)' })
  @ApiParam({ name: 'name' })
  @ApiBody({ schema: openApiSchema(StartRunBody), required: false })
  @ApiResponse({ status: 202, description: '{ runId, status }' })
  @ApiResponse({ status: 409, description: 'a run of this pipeline is active: problem+json with its `runId`' })
  async startRun(@CurrentPrincipal() principal: Principal, @Param('name') name: string, @Body() body: unknown) {
    const pipeline = parseOrThrow(PipelineName, name, 'name');
    const { params } = parseOrThrow(StartRunBody, body ?? {});
    try {
      const { run } = await this.upstream.call('orchestrator', principal, (orchestrator, metadata) => orchestrator.startRun({ pipeline, params, runId: '' }, metadata));
      if (!run) throw new UnavailableError('the orchestrator answered without a run');
      const view = toRunView(run, false);
      return { runId: view.id, status: view.status };
    } catch (error) {
      const runId = activeRunIdOf(error);
      throw runId ? new RunAlreadyActiveError(pipeline, runId) : error;
    }
  }
}
