import { Module } from '@nestjs/common';
import { IngestStepWorker } from './ingest-step.worker';
import { StatusGrpcController } from './status.grpc.controller';

@Module({ controllers: [StatusGrpcController], providers: [IngestStepWorker] })
export class StepsModule {}
