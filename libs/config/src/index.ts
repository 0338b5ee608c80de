export { loadConfig, ConfigError } from './lib/load-config';
export type { Env } from './lib/load-config';
export { secret, secretWeakness } from './lib/secret';
export { port, url, grpcAddress, logLevel, booleanFlag } from './lib/fields';
export {
  SERVICES,
  SERVICE_NAMES,
  GRPC_SERVICE_NAMES,
  envPrefix,
  loadServiceConfig,
} from './lib/services';
export type { ServiceName, GrpcServiceName, ServiceConfig, ServiceSpec, Dependency, AuthConfig, IngestConfig, OrchestratorConfig, SchedulerConfig, ScraperConfig } from './lib/services';
export { loadServiceConfigOrExit } from './lib/exit-on-error';
export { readServiceVersion } from './lib/service-version';
export { loadCliConfig } from './lib/cli';
export type { CliConfig } from './lib/cli';
