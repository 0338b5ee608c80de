import type { Metadata } from '@grpc/grpc-js';
import { Controller, Inject } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import { InvalidArgumentError, parseOrThrow, ScrapeJobRequest, schedulerV1 } from '@sluice/contracts';
import { readCallContext } from '@sluice/grpc';
import { TaskService } from '@sluice/tasks';
import { z } from 'zod';
import { toTaskMessage } from './task-message';

const TaskId = z.uuid({ error: 'must be a UUID' });

/** The task RPCs of SchedulerService (the schedule RPCs are in SchedulesGrpcController). */
@Controller()
export class TasksGrpcController implements Pick<schedulerV1.SchedulerServiceController, 'createTask' | 'getTask'> {
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
}
