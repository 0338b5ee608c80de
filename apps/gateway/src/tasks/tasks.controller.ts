import { Body, Controller, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { openApiSchema } from '../openapi';
import { parseOrThrow, ScrapeJobRequest, schedulerV1, UnavailableError } from '@sluice/contracts';
import { z } from 'zod';
import { UpstreamCaller } from '../upstream/upstream-caller';
import type { Principal } from '@sluice/auth';
import { Audited } from '../auth/audit.interceptor';
import { CurrentPrincipal } from '../auth/auth-metadata';
import { Idempotent } from '../idempotency/idempotency.interceptor';
import { toTaskView } from './task-view';

const TaskId = z.uuid({ error: 'must be a UUID' });

function requireTask(task: schedulerV1.Task | undefined): schedulerV1.Task {
  if (!task) throw new UnavailableError('the scheduler answered without a task');
  return task;
}

@ApiTags('tasks')
@Controller('v1')
export class TasksController {
  constructor(@Inject(UpstreamCaller) private readonly upstream: UpstreamCaller) {}

  @Post('scrape-jobs')
  @HttpCode(202)
  @ApiOperation({ summary: 'Start a crawl (honours Idempotency-Key)' })
  @ApiBody({ schema: openApiSchema(ScrapeJobRequest) })
  @ApiResponse({ status: 202, description: '{ taskId, status }' })
  @ApiResponse({ status: 400, description: 'problem+json with every offending field in `errors`' })
  @Audited('scrape_job.create')
  @Idempotent()
  async createScrapeJob(@CurrentPrincipal() principal: Principal, @Body() body: unknown) {
    const job = parseOrThrow(ScrapeJobRequest, body);
    const { task } = await this.upstream.call('scheduler', principal, (scheduler, metadata) =>
      scheduler.createTask({ kind: 'scrape', payload: job }, metadata),
    );
    const view = toTaskView(requireTask(task));
    return { taskId: view.id, status: view.status };
  }

  @Get('tasks/:id')
  @ApiOperation({ summary: 'A task and its progress' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiResponse({ status: 200, description: '{ id, kind, status, progress, createdBy, createdAt, startedAt?, finishedAt?, error? }' })
  @ApiResponse({ status: 404, description: 'no such task for this tenant' })
  async getTask(@CurrentPrincipal() principal: Principal, @Param('id') id: string) {
    const taskId = parseOrThrow(TaskId, id, 'id');
    const { task } = await this.upstream.call('scheduler', principal, (scheduler, metadata) => scheduler.getTask({ id: taskId }, metadata));
    return toTaskView(requireTask(task));
  }
}
