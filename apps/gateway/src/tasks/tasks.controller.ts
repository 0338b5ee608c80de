import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOperation, ApiParam, ApiProduces, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { openApiSchema } from '../openapi';
import { InvalidArgumentError, parseOrThrow, ScrapeJobRequest, schedulerV1, SUBJECTS, TaskEventMessage, UnavailableError } from '@sluice/contracts';
import type { ServiceConfig } from '@sluice/config';
import { forbiddenTargetViolations } from '@sluice/safe-fetch';
import { SERVICE_CONFIG } from '@sluice/runtime';
import { isTerminal, TASK_STATUSES, type TaskState } from '@sluice/tasks';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { UpstreamCaller } from '../upstream/upstream-caller';
import type { Principal } from '@sluice/auth';
import { Audited } from '../auth/audit.interceptor';
import { CurrentPrincipal } from '../auth/auth-metadata';
import { EventStreams } from '../events/event-streams';
import { Idempotent } from '../idempotency/idempotency.interceptor';
import { ListQuery } from '../pagination';
import { toPageView } from './page-view';
import { TaskListQuery } from './task-query';
import { toTaskStatsView } from './task-stats-view';
import { toTaskView } from './task-view';

const TaskId = z.uuid({ error: 'must be a UUID' });
const FINAL_EVENTS = new Set<TaskEventMessage['type']>(['succeeded', 'failed', 'cancelled']);

function requireTask(task: schedulerV1.Task | undefined): schedulerV1.Task {
  if (!task) throw new UnavailableError('the scheduler answered without a task');
  return task;
}

@ApiTags('tasks')
@Controller('v1')
export class TasksController {
  constructor(
    @Inject(UpstreamCaller) private readonly upstream: UpstreamCaller,
    @Inject(EventStreams) private readonly events: EventStreams,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
  ) {}

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
    const refused = forbiddenTargetViolations(job, this.config.scrapeTargetAllowlist ?? []);
    if (refused.length > 0) throw new InvalidArgumentError('invalid request', refused);
    const { task } = await this.upstream.call('scheduler', principal, (scheduler, metadata) =>
      scheduler.createTask({ kind: 'scrape', payload: job }, metadata),
    );
    const view = toTaskView(requireTask(task));
    return { taskId: view.id, status: view.status };
  }

  @Get('tasks')
  @ApiOperation({ summary: "Tasks of the caller's organization, newest first" })
  @ApiQuery({ name: 'status', required: false, enum: TASK_STATUSES })
  @ApiQuery({ name: 'kind', required: false, example: 'scrape' })
  @ApiQuery({ name: 'limit', required: false, description: '1..500, default 50' })
  @ApiQuery({ name: 'cursor', required: false, description: 'nextCursor of the previous page' })
  @ApiResponse({ status: 200, description: '{ items: [task], nextCursor }' })
  async listTasks(@CurrentPrincipal() principal: Principal, @Query() query: unknown) {
    const { limit, cursor, status, kind } = parseOrThrow(TaskListQuery, query);
    const request: schedulerV1.ListTasksRequest = {
      limit,
      cursor: cursor ?? '',
      status: status ? (`TASK_STATUS_${status}` as schedulerV1.TaskStatus) : schedulerV1.TaskStatus.TASK_STATUS_UNSPECIFIED,
      kind: kind ?? '',
    };
    const reply = await this.upstream.call('scheduler', principal, (scheduler, metadata) => scheduler.listTasks(request, metadata));
    return { items: reply.tasks.map(toTaskView), nextCursor: reply.nextCursor || null };
  }

  @Get('tasks/stats')
  @ApiOperation({ summary: "How many tasks the caller's organization has, by status and by kind" })
  @ApiResponse({ status: 200, description: '{ total, byStatus: { QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED, INTERRUPTED }, byKind: { <kind>: n } }' })
  async taskStats(@CurrentPrincipal() principal: Principal) {
    const reply = await this.upstream.call('scheduler', principal, (scheduler, metadata) => scheduler.taskStats({}, metadata));
    return toTaskStatsView(reply.counts);
  }

  @Get('tasks/:id')
  @ApiOperation({ summary: 'A task and its progress' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiResponse({ status: 200, description: '{ id, kind, status, progress, createdBy, createdAt, startedAt?, finishedAt?, error? }' })
  @ApiResponse({ status: 404, description: 'no such task for this tenant' })
  async getTask(@CurrentPrincipal() principal: Principal, @Param('id') id: string) {
    return toTaskView(await this.fetchTask(principal, id));
  }

  @Post('tasks/:id/cancel')
  @HttpCode(202)
  @Audited('task.cancel')
  @ApiOperation({ summary: 'Cancel a queued or running task; running work stops at its next safe point' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiResponse({ status: 202, description: 'the task, now CANCELLED' })
  @ApiResponse({ status: 404, description: 'no such task for this tenant' })
  @ApiResponse({ status: 409, description: 'problem+json: the task already ended, with its status' })
  async cancelTask(@CurrentPrincipal() principal: Principal, @Param('id') id: string) {
    const taskId = parseOrThrow(TaskId, id, 'id');
    const { task } = await this.upstream.call('scheduler', principal, (scheduler, metadata) => scheduler.cancelTask({ id: taskId }, metadata));
    return toTaskView(requireTask(task));
  }

  @Get('tasks/:id/pages')
  @ApiOperation({ summary: 'Pages the task fetched, oldest first' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiQuery({ name: 'limit', required: false, description: '1..500, default 50' })
  @ApiQuery({ name: 'cursor', required: false, description: 'nextCursor of the previous page' })
  @ApiResponse({ status: 200, description: '{ items: [{ url, finalUrl, status, fetchedAt, contentType, bytes, title, data, error? }], nextCursor }' })
  @ApiResponse({ status: 404, description: 'no such task for this tenant' })
  async listPages(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Query() query: unknown) {
    const { limit, cursor } = parseOrThrow(ListQuery, query);
    const task = await this.fetchTask(principal, id);
    const reply = await this.upstream.call('scraper', principal, (scraper, metadata) =>
      scraper.listPages({ taskId: task.id, limit, cursor: cursor ?? '' }, metadata),
    );
    return { items: reply.pages.map(toPageView), nextCursor: reply.nextCursor || null };
  }

  @Get('tasks/:id/events')
  @ApiOperation({
    summary: 'Server-Sent Events: the task now (`state`), then its events (`started`, `progress`, `succeeded`, `failed`, `cancelled`) until it ends',
    description: 'Each event `id` is its position in the event stream; reconnect with `Last-Event-ID` to resume after it. Quiet streams get a keep-alive comment every 15 s.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'resume after this event id' })
  @ApiProduces('text/event-stream')
  @ApiResponse({ status: 200, description: 'text/event-stream' })
  @ApiResponse({ status: 404, description: 'no such task for this tenant' })
  async taskEvents(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const task = toTaskView(await this.fetchTask(principal, id));
    await this.events.serve(request, reply, {
      subject: SUBJECTS.taskEvents(task.id),
      schema: TaskEventMessage,
      state: { event: 'state', data: task },
      ended: isTerminal(task.status as TaskState),
      isFinal: (event) => FINAL_EVENTS.has(event.type),
    });
  }

  private async fetchTask(principal: Principal, id: string): Promise<schedulerV1.Task> {
    const taskId = parseOrThrow(TaskId, id, 'id');
    const { task } = await this.upstream.call('scheduler', principal, (scheduler, metadata) => scheduler.getTask({ id: taskId }, metadata));
    return requireTask(task);
  }
}
