import { join, resolve } from 'node:path';

/** The buf module root; .proto files are loaded from here at run time by gRPC servers and clients. */
export const PROTO_ROOT = resolve(__dirname, '../../../../proto');

export interface GrpcServiceContract {
  /** protobuf package, e.g. `sluice.scheduler.v1` */
  readonly package: string;
  /** service name inside the package */
  readonly service: string;
  /** absolute path of the .proto file */
  readonly protoPath: string;
}

function contract(pkg: string, service: string, file: string): GrpcServiceContract {
  return { package: pkg, service, protoPath: join(PROTO_ROOT, file) };
}

export const GRPC_SERVICES = {
  scheduler: contract('sluice.scheduler.v1', 'SchedulerService', 'sluice/scheduler/v1/scheduler.proto'),
  scraper: contract('sluice.scraper.v1', 'ScraperService', 'sluice/scraper/v1/scraper.proto'),
  cache: contract('sluice.cache.v1', 'CacheService', 'sluice/cache/v1/cache.proto'),
  orchestrator: contract('sluice.orchestrator.v1', 'PipelineService', 'sluice/orchestrator/v1/orchestrator.proto'),
  ingest: contract('sluice.ingest.v1', 'IngestService', 'sluice/ingest/v1/ingest.proto'),
  'data-quality': contract('sluice.data_quality.v1', 'DataQualityService', 'sluice/data_quality/v1/data_quality.proto'),
  transform: contract('sluice.transform.v1', 'TransformService', 'sluice/transform/v1/transform.proto'),
} as const satisfies Record<string, GrpcServiceContract>;

/** Served by every gRPC server: name, version and start time of the process. */
export const META_SERVICE = contract('sluice.meta.v1', 'InfoService', 'sluice/meta/v1/meta.proto');

export type GrpcServiceName = keyof typeof GRPC_SERVICES;
