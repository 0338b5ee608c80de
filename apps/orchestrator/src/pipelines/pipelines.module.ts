import { Module } from '@nestjs/common';
import { PipelinesGrpcController } from './pipelines.grpc.controller';

@Module({ controllers: [PipelinesGrpcController] })
export class PipelinesModule {}
