import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@sluice/auth';
import { parseOrThrow, schedulerV1, timestampToIso, UnavailableError } from '@sluice/contracts';
import { z } from 'zod';
import { Audited } from '../auth/audit.interceptor';
import { CurrentPrincipal } from '../auth/auth-metadata';
import { openApiSchema } from '../openapi';
import { ListQuery } from '../pagination';
import { UpstreamCaller } from '../upstream/upstream-caller';
import { CreateScheduleBody, NextQuery, UpdateScheduleBody } from './schedule-body';
import { toScheduleView, toUpdateRequest } from './schedule-view';

const ScheduleId = z.uuid({ error: 'must be a UUID' });

function requireSchedule(schedule: schedulerV1.Schedule | undefined) {
  if (!schedule) throw new UnavailableError('the scheduler answered without a schedule');
  return toScheduleView(schedule);
}

@ApiTags('schedules')
@Controller('v1/schedules')
export class SchedulesController {
  constructor(@Inject(UpstreamCaller) private readonly upstream: UpstreamCaller) {}

  @Post()
  @Audited('schedule.create')
  @ApiOperation({ summary: 'Create a schedule: cron (5 or 6 fields) in an IANA zone, firing a scrape job or a pipeline run' })
  @ApiBody({ schema: openApiSchema(CreateScheduleBody) })
  @ApiResponse({ status: 201, description: 'the schedule, with nextFireAt' })
  @ApiResponse({ status: 400, description: 'problem+json naming the field: cron, timezone, startDate, endDate, target...' })
  @ApiResponse({ status: 409, description: 'a schedule with this name exists' })
  async create(@CurrentPrincipal() principal: Principal, @Body() body: unknown) {
    const b = parseOrThrow(CreateScheduleBody, body);
    const request: schedulerV1.CreateScheduleRequest = {
      name: b.name,
      cron: b.cron,
      timezone: b.timezone ?? '',
      startDate: b.startDate ?? '',
      endDate: b.endDate ?? '',
      missedRuns: b.missedRuns ?? '',
      target: b.target,
    };
    const { schedule } = await this.upstream.call('scheduler', principal, (scheduler, metadata) => scheduler.createSchedule(request, metadata));
    return requireSchedule(schedule);
  }

  @Get()
  @ApiOperation({ summary: 'Schedules of the caller\'s organization, newest first' })
  @ApiQuery({ name: 'limit', required: false })
  @ApiQuery({ name: 'cursor', required: false })
  async list(@CurrentPrincipal() principal: Principal, @Query() query: unknown) {
    const { limit, cursor } = parseOrThrow(ListQuery, query);
    const reply = await this.upstream.call('scheduler', principal, (scheduler, metadata) => scheduler.listSchedules({ limit, cursor: cursor ?? '' }, metadata));
    return { items: reply.schedules.map(toScheduleView), nextCursor: reply.nextCursor || null };
  }

  @Get(':id')
  @ApiOperation({ summary: 'A schedule' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiResponse({ status: 404, description: 'no such schedule for this tenant' })
  async get(@CurrentPrincipal() principal: Principal, @Param('id') id: string) {
    const scheduleId = parseOrThrow(ScheduleId, id, 'id');
    const { schedule } = await this.upstream.call('scheduler', principal, (scheduler, metadata) => scheduler.getSchedule({ id: scheduleId }, metadata));
    return requireSchedule(schedule);
  }

  @Patch(':id')
  @Audited('schedule.update')
  @ApiOperation({ summary: 'Change some fields of a schedule; null removes startDate or endDate' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiBody({ schema: openApiSchema(UpdateScheduleBody) })
  async update(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Body() body: unknown) {
    const scheduleId = parseOrThrow(ScheduleId, id, 'id');
    const request = toUpdateRequest(scheduleId, parseOrThrow(UpdateScheduleBody, body));
    const { schedule } = await this.upstream.call('scheduler', principal, (scheduler, metadata) => scheduler.updateSchedule(request, metadata));
    return requireSchedule(schedule);
  }

  @Delete(':id')
  @HttpCode(204)
  @Audited('schedule.delete')
  @ApiOperation({ summary: 'Delete a schedule; tasks it already started are kept' })
  @ApiParam({ name: 'id', format: 'uuid' })
  async remove(@CurrentPrincipal() principal: Principal, @Param('id') id: string) {
    const scheduleId = parseOrThrow(ScheduleId, id, 'id');
    await this.upstream.call('scheduler', principal, (scheduler, metadata) => scheduler.deleteSchedule({ id: scheduleId }, metadata));
  }

  @Post(':id/pause')
  @HttpCode(200)
  @Audited('schedule.pause')
  @ApiOperation({ summary: 'Stop firing until resumed' })
  @ApiParam({ name: 'id', format: 'uuid' })
  async pause(@CurrentPrincipal() principal: Principal, @Param('id') id: string) {
    const scheduleId = parseOrThrow(ScheduleId, id, 'id');
    const { schedule } = await this.upstream.call('scheduler', principal, (scheduler, metadata) => scheduler.pauseSchedule({ id: scheduleId }, metadata));
    return requireSchedule(schedule);
  }

  @Post(':id/resume')
  @HttpCode(200)
  @Audited('schedule.resume')
  @ApiOperation({ summary: 'Fire again from now on; times that passed while paused are not fired' })
  @ApiParam({ name: 'id', format: 'uuid' })
  async resume(@CurrentPrincipal() principal: Principal, @Param('id') id: string) {
    const scheduleId = parseOrThrow(ScheduleId, id, 'id');
    const { schedule } = await this.upstream.call('scheduler', principal, (scheduler, metadata) => scheduler.resumeSchedule({ id: scheduleId }, metadata));
    return requireSchedule(schedule);
  }

  @Get(':id/next')
  @ApiOperation({ summary: 'The next fire times (RFC 3339 UTC instants) of the schedule in its zone' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiQuery({ name: 'count', required: false, description: '1..100, default 5' })
  async next(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Query() query: unknown) {
    const scheduleId = parseOrThrow(ScheduleId, id, 'id');
    const { count } = parseOrThrow(NextQuery, query);
    const reply = await this.upstream.call('scheduler', principal, (scheduler, metadata) => scheduler.nextFireTimes({ id: scheduleId, count }, metadata));
    return { timezone: reply.timezone, fireTimes: reply.fireTimes.map((t) => timestampToIso(t)) };
  }

}
