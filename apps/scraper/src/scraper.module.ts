import { Module } from '@nestjs/common';
import { CrawlRuntime } from './crawl/crawl-runtime';
import { ScrapeJobWorker } from './jobs/scrape-job.worker';
import { TaskCancelWorker } from './jobs/task-cancel.worker';
import { TaskEventEmitter } from './jobs/task-event-emitter';
import { PagesGrpcController } from './pages/pages.grpc.controller';

@Module({ controllers: [PagesGrpcController], providers: [CrawlRuntime, TaskEventEmitter, ScrapeJobWorker, TaskCancelWorker] })
export class ScraperModule {}
