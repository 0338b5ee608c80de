import { Module } from '@nestjs/common';
import { SchedulesModule } from './schedules/schedules.module';
import { TasksModule } from './tasks/tasks.module';

@Module({ imports: [TasksModule, SchedulesModule] })
export class SchedulerAppModule {}
