import { Module } from '@nestjs/common';
import { PipelineRowsMetrics } from '@sluice/runtime';
import { IngestContextProvider } from './ingest-context.provider';
import { IngestStepWorker } from './ingest-step.worker';
import { ScraperPagesClient } from './scraper-pages.client';
import { StatusGrpcController } from './status.grpc.controller';

@Module({ controllers: [StatusGrpcController], providers: [ScraperPagesClient, IngestContextProvider, PipelineRowsMetrics, IngestStepWorker] })
export class StepsModule {}
