import { Module } from '@nestjs/common';
import { PipelinesModule } from './pipelines/pipelines.module';
import { RunsModule } from './runs/runs.module';

@Module({ imports: [PipelinesModule, RunsModule] })
export class OrchestratorAppModule {}
