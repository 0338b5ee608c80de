import { Module } from '@nestjs/common';
import { ScrapeJobWorker } from './jobs/scrape-job.worker';
import { PagesGrpcController } from './pages/pages.grpc.controller';

@Module({ controllers: [PagesGrpcController], providers: [ScrapeJobWorker] })
export class ScraperModule {}
