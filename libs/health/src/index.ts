export { runCheck, CheckTimeoutError } from './lib/dependency-check';
export type { DependencyCheck, CheckResult } from './lib/dependency-check';
export { Readiness } from './lib/readiness';
export type { ReadinessReport } from './lib/readiness';
export { HealthModule } from './lib/health.module';
export { GrpcHealth } from './lib/grpc-health';
export { redisCheck, natsCheck, postgresCheck } from './lib/indicators';
export type { RedisPingable, NatsFlushable } from './lib/indicators';
