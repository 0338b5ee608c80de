import { Module } from '@nestjs/common';
import { DatasetsModule } from './datasets/datasets.module';
import { StepsModule } from './steps/steps.module';

@Module({ imports: [StepsModule, DatasetsModule] })
export class TransformAppModule {}
