import { Module } from '@nestjs/common';
import type { PrismaClient } from '@sluice/database';
import { EventPublisher, PRISMA, PUBLISHER } from '@sluice/runtime';
import { TaskRepository, TaskService } from '@sluice/tasks';
import { TaskEventsWorker } from './task-events.worker';
import { TasksGrpcController } from './tasks.grpc.controller';

@Module({
  controllers: [TasksGrpcController],
  providers: [
    {
      provide: TaskService,
      inject: [PRISMA, PUBLISHER],
      useFactory: (prisma: PrismaClient, publisher: EventPublisher) => new TaskService(new TaskRepository(prisma), publisher),
    },
    TaskEventsWorker,
  ],
  exports: [TaskService],
})
export class TasksModule {}
