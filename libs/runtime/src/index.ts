export { runService, exitOnStartFailure } from './lib/run-service';
export type { ServiceDefinition } from './lib/run-service';
export { InfraModule } from './lib/infra.module';
export { createRedisClient } from './lib/redis-connection';
export { ProblemDetailsFilter, toProblem } from './lib/problem-details.filter';
export type { ProblemDetails } from './lib/problem-details.filter';
export { SERVICE_CONFIG, REDIS, NATS, TOPOLOGY, PRISMA } from './lib/tokens';
