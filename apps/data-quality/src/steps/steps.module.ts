import { Module } from '@nestjs/common';
import { DataQualityStepWorker } from './data-quality-step.worker';
import { StatusGrpcController } from './status.grpc.controller';

@Module({ controllers: [StatusGrpcController], providers: [DataQualityStepWorker] })
export class StepsModule {}
