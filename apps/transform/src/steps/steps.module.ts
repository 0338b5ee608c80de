import { Module } from '@nestjs/common';
import { TransformStepWorker } from './transform-step.worker';
import { StatusGrpcController } from './status.grpc.controller';

@Module({ controllers: [StatusGrpcController], providers: [TransformStepWorker] })
export class StepsModule {}
