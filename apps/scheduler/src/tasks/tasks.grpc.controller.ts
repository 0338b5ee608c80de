import type { Metadata } from '@grpc/grpc-js';
import { Controller, Inject } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import { InvalidArgumentError, parseOrThrow, ScrapeJobRequest, schedulerV1 } from '@sluice/contracts';
import { readCallContext } from '@sluice/grpc';
import { TaskService } from '@sluice/tasks';
import { z } from 'zod';
import { toTaskCountMessage, toTaskMessage } from './task-message';
import { ListTasksInput } from './task-request';

const TaskId = z.uuid({ error: 'must be a UUID' });

type TaskRpcs = Pick<schedulerV1.SchedulerServiceController, 'createTask' | 'getTask' | 'listTasks' | 'taskStats' | 'cancelTask'>;

/** The task RPCs of SchedulerService (the schedule RPCs are in SchedulesGrpcController). */
@Controller()
export class TasksGrpcController implements TaskRpcs {
  constructor(@Inject(TaskService) private readonly tasks: TaskService) {}

  @GrpcMethod('SchedulerService')
  async createTask(request: schedulerV1.CreateTaskRequest, metadata: Metadata): Promise<schedulerV1.CreateTaskResponse> {
    const caller = readCallContext(metadata);
    if (request.kind !== 'scrape') {
      throw new InvalidArgumentError('invalid request', [{ path: 'kind', message: 'must be "scrape"' }]);
    }
    const job = parseOrThrow(ScrapeJobRequest, request.payload ?? {}, 'payload');
    return { task: toTaskMessage(await this.tasks.createScrapeTask(caller, job)) };
  }

  @GrpcMethod('SchedulerService')
  async getTask(request: schedulerV1.GetTaskRequest, metadata: Metadata): Promise<schedulerV1.GetTaskResponse> {
    const caller = readCallContext(metadata);
    const id = parseOrThrow(TaskId, request.id, 'id');
    return { task: toTaskMessage(await this.tasks.getTask(caller, id)) };
  }

  @GrpcMethod('SchedulerService')
  async listTasks(request: schedulerV1.ListTasksRequest, metadata: Metadata): Promise<schedulerV1.ListTasksResponse> {
    const caller = readCallContext(metadata);
    const { limit, cursor, status, kind } = parseOrThrow(ListTasksInput, request);
    const { rows, nextCursor } = await this.tasks.listTasks(caller, { status, kind }, limit, cursor);
    return { tasks: rows.map(toTaskMessage), nextCursor };
  }

  @GrpcMethod('SchedulerService')
  async taskStats(_request: schedulerV1.TaskStatsRequest, metadata: Metadata): Promise<schedulerV1.TaskStatsResponse> {
    return { counts: (await this.tasks.taskStats(readCallContext(metadata))).map(toTaskCountMessage) };
  }

  @GrpcMethod('SchedulerService')
  async cancelTask(request: schedulerV1.CancelTaskRequest, metadata: Metadata): Promise<schedulerV1.CancelTaskResponse> {
    const caller = readCallContext(metadata);
    const id = parseOrThrow(TaskId, request.id, 'id');
    return { task: toTaskMessage(await this.tasks.cancelTask(caller, id)) };
  }
}
