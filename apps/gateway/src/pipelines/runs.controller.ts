import { Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@sluice/auth';
import { orchestratorV1, parseOrThrow, UnavailableError } from '@sluice/contracts';
import { z } from 'zod';
import { Audited } from '../auth/audit.interceptor';
import { CurrentPrincipal } from '../auth/auth-metadata';
import { UpstreamCaller } from '../upstream/upstream-caller';
import { ListRunsQuery } from './pipeline-body';
import { toRunView } from './run-view';

const RunId = z.uuid({ error: 'must be a UUID' });

function requireRun(run: orchestratorV1.Run | undefined) {
  if (!run) throw new UnavailableError('the orchestrator answered without a run');
  return toRunView(run);
}

@ApiTags('pipelines')
@Controller('v1/runs')
export class RunsController {
  constructor(@Inject(UpstreamCaller) private readonly upstream: UpstreamCaller) {}

  @Get()
  @ApiOperation({ summary: 'Runs of the organization, newest first' })
  @ApiQuery({ name: 'pipeline', required: false })
  @ApiQuery({ name: 'status', required: false, description: 'QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED or INTERRUPTED' })
  @ApiQuery({ name: 'limit', required: false })
  @ApiQuery({ name: 'cursor', required: false })
  async list(@CurrentPrincipal() principal: Principal, @Query() query: unknown) {
    const q = parseOrThrow(ListRunsQuery, query);
    const request = { pipeline: q.pipeline ?? '', status: q.status ?? '', limit: q.limit, cursor: q.cursor ?? '' };
    const reply = await this.upstream.call('orchestrator', principal, (orchestrator, metadata) => orchestrator.listRuns(request, metadata));
    return { items: reply.runs.map((run) => toRunView(run, false)), nextCursor: reply.nextCursor || null };
  }

  @Get(':id')
  @ApiOperation({ summary: 'A run and the state of each step: rows in/out, times, error, check results' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiResponse({ status: 404, description: 'no such run for this organization' })
  async get(@CurrentPrincipal() principal: Principal, @Param('id') id: string) {
    const runId = parseOrThrow(RunId, id, 'id');
    const { run } = await this.upstream.call('orchestrator', principal, (orchestrator, metadata) => orchestrator.getRun({ id: runId }, metadata));
    return requireRun(run);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @Audited('run.cancel')
  @ApiOperation({ summary: 'Cancel a run: no further step is dispatched; late results are ignored' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiResponse({ status: 409, description: 'the run already ended' })
  async cancel(@CurrentPrincipal() principal: Principal, @Param('id') id: string) {
    const runId = parseOrThrow(RunId, id, 'id');
    const { run } = await this.upstream.call('orchestrator', principal, (orchestrator, metadata) => orchestrator.cancelRun({ id: runId }, metadata));
    return requireRun(run);
  }
}
