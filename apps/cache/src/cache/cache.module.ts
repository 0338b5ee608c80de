import { Module } from '@nestjs/common';
import { CacheGrpcController } from './cache.grpc.controller';
import { CacheStore } from './cache.store';

@Module({ controllers: [CacheGrpcController], providers: [CacheStore] })
export class CacheModule {}
