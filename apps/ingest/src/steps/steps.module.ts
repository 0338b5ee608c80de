import { Module } from '@nestjs/common';
import { IngestContextProvider } from './ingest-context.provider';
import { IngestMetrics } from './ingest-metrics';
import { IngestStepWorker } from './ingest-step.worker';
import { ScraperPagesClient } from './scraper-pages.client';
import { StatusGrpcController } from './status.grpc.controller';

@Module({ controllers: [StatusGrpcController], providers: [ScraperPagesClient, IngestContextProvider, IngestMetrics, IngestStepWorker] })
export class StepsModule {}
