import type { Metadata } from '@grpc/grpc-js';
import { Controller, Inject } from '@nestjs/common';
import { InvalidArgumentError, parseOrThrow, ScrapeJobRequest, schedulerV1 } from '@sluice/contracts';
import { readCallContext } from '@sluice/grpc';
import { TaskService } from '@sluice/tasks';
import { z } from 'zod';
import { toTaskMessage } from './task-message';

const TaskId = z.uuid({ error: 'must be a UUID' });

@Controller()
@schedulerV1.SchedulerServiceControllerMethods()
export class TasksGrpcController implements schedulerV1.SchedulerServiceController {
  constructor(@Inject(TaskService) private readonly tasks: TaskService) {}

  async createTask(request: schedulerV1.CreateTaskRequest, metadata: Metadata): Promise<schedulerV1.CreateTaskResponse> {
    const caller = readCallContext(metadata);
    if (request.kind !== 'scrape') {
      throw new InvalidArgumentError('invalid request', [{ path: 'kind', message: 'must be "scrape"' }]);
    }
    const job = parseOrThrow(ScrapeJobRequest, request.payload ?? {}, 'payload');
    return { task: toTaskMessage(await this.tasks.createScrapeTask(caller, job)) };
  }

  async getTask(request: schedulerV1.GetTaskRequest, metadata: Metadata): Promise<schedulerV1.GetTaskResponse> {
    const caller = readCallContext(metadata);
    const id = parseOrThrow(TaskId, request.id, 'id');
    return { task: toTaskMessage(await this.tasks.getTask(caller, id)) };
  }
}
