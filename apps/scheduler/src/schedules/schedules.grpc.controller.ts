import type { Metadata } from '@grpc/grpc-js';
import { Controller, Inject } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import { parseOrThrow, schedulerV1, toTimestamp } from '@sluice/contracts';
import { readCallContext } from '@sluice/grpc';
import { z } from 'zod';
import { createRequestInput, toScheduleMessage, updateRequestInput } from './schedule-message';
import { MAX_NEXT_FIRE_TIMES, SchedulesService } from './schedules.service';

const ScheduleId = z.uuid({ error: 'must be a UUID' });
const ListLimit = z.int().min(0).max(500).transform((n) => n || 50);
const FireCount = z.int().min(0).max(MAX_NEXT_FIRE_TIMES).transform((n) => n || 5);

type ScheduleRpcs = Pick<
  schedulerV1.SchedulerServiceController,
  'createSchedule' | 'getSchedule' | 'listSchedules' | 'updateSchedule' | 'deleteSchedule' | 'pauseSchedule' | 'resumeSchedule' | 'nextFireTimes'
>;

/** The schedule RPCs of SchedulerService; every call is scoped to the caller's tenant. */
@Controller()
export class SchedulesGrpcController implements ScheduleRpcs {
  constructor(@Inject(SchedulesService) private readonly schedules: SchedulesService) {}

  @GrpcMethod('SchedulerService')
  async createSchedule(request: schedulerV1.CreateScheduleRequest, metadata: Metadata): Promise<schedulerV1.CreateScheduleResponse> {
    return { schedule: toScheduleMessage(await this.schedules.create(readCallContext(metadata), createRequestInput(request))) };
  }

  @GrpcMethod('SchedulerService')
  async getSchedule(request: schedulerV1.GetScheduleRequest, metadata: Metadata): Promise<schedulerV1.GetScheduleResponse> {
    const caller = readCallContext(metadata);
    return { schedule: toScheduleMessage(await this.schedules.get(caller, parseOrThrow(ScheduleId, request.id, 'id'))) };
  }

  @GrpcMethod('SchedulerService')
  async listSchedules(request: schedulerV1.ListSchedulesRequest, metadata: Metadata): Promise<schedulerV1.ListSchedulesResponse> {
    const caller = readCallContext(metadata);
    const { rows, nextCursor } = await this.schedules.list(caller, parseOrThrow(ListLimit, request.limit, 'limit'), request.cursor);
    return { schedules: rows.map(toScheduleMessage), nextCursor };
  }

  @GrpcMethod('SchedulerService')
  async updateSchedule(request: schedulerV1.UpdateScheduleRequest, metadata: Metadata): Promise<schedulerV1.UpdateScheduleResponse> {
    const caller = readCallContext(metadata);
    const id = parseOrThrow(ScheduleId, request.id, 'id');
    return { schedule: toScheduleMessage(await this.schedules.update(caller, id, updateRequestInput(request))) };
  }

  @GrpcMethod('SchedulerService')
  async deleteSchedule(request: schedulerV1.DeleteScheduleRequest, metadata: Metadata): Promise<schedulerV1.DeleteScheduleResponse> {
    const caller = readCallContext(metadata);
    await this.schedules.delete(caller, parseOrThrow(ScheduleId, request.id, 'id'));
    return {};
  }

  @GrpcMethod('SchedulerService')
  async pauseSchedule(request: schedulerV1.PauseScheduleRequest, metadata: Metadata): Promise<schedulerV1.PauseScheduleResponse> {
    const caller = readCallContext(metadata);
    return { schedule: toScheduleMessage(await this.schedules.pause(caller, parseOrThrow(ScheduleId, request.id, 'id'))) };
  }

  @GrpcMethod('SchedulerService')
  async resumeSchedule(request: schedulerV1.ResumeScheduleRequest, metadata: Metadata): Promise<schedulerV1.ResumeScheduleResponse> {
    const caller = readCallContext(metadata);
    return { schedule: toScheduleMessage(await this.schedules.resume(caller, parseOrThrow(ScheduleId, request.id, 'id'))) };
  }

  @GrpcMethod('SchedulerService')
  async nextFireTimes(request: schedulerV1.NextFireTimesRequest, metadata: Metadata): Promise<schedulerV1.NextFireTimesResponse> {
    const caller = readCallContext(metadata);
    const id = parseOrThrow(ScheduleId, request.id, 'id');
    const { row, times } = await this.schedules.nextFireTimes(caller, id, parseOrThrow(FireCount, request.count, 'count'));
    return { fireTimes: times.map(toTimestamp), timezone: row.timezone };
  }
}
