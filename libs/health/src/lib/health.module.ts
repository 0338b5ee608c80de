import { Module, type DynamicModule } from '@nestjs/common';
import { HealthController } from './health.controller';
import { Readiness } from './readiness';

/** Serves /health/live, /health/ready and /health/startup for the given readiness. */
@Module({})
export class HealthModule {
  static forRoot(readiness: Readiness): DynamicModule {
    return {
      module: HealthModule,
      global: true,
      controllers: [HealthController],
      providers: [{ provide: Readiness, useValue: readiness }],
      exports: [Readiness],
    };
  }
}
