import { Module, type DynamicModule } from '@nestjs/common';
import type { ServiceConfig } from '@sluice/config';
import { StatusController } from './status/status.controller';
import { StatusService } from './status/status.service';
import { TasksController } from './tasks/tasks.controller';
import { UpstreamModule } from './upstream/upstream.module';

@Module({})
export class GatewayModule {
  static forRoot(config: ServiceConfig): DynamicModule {
    return {
      module: GatewayModule,
      imports: [UpstreamModule.forRoot(config)],
      controllers: [StatusController, TasksController],
      providers: [StatusService],
    };
  }
}
