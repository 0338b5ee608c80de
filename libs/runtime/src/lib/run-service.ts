import { Module, type DynamicModule, type INestApplication, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { readServiceVersion, type ServiceConfig } from '@sluice/config';
import type { GrpcServiceContract } from '@sluice/contracts';
import { GrpcHealth, HealthModule, Readiness } from '@sluice/health';
import { CallSpanAttributesInterceptor, InternalAuthGuard, ServiceInfoModule, grpcServerOptions } from '@sluice/grpc';
import { createLogger, createMetricsRegistry, MetricsModule, PinoNestLogger, type Telemetry } from '@sluice/telemetry';
import { installHttpMetrics } from './http-metrics';
import { installRequestContext, requestIdOf } from './http-request-context';
import { InfraModule } from './infra.module';
import { TransportExceptionFilter } from './transport-exception.filter';

export interface ServiceDefinition {
  readonly config: ServiceConfig;
  readonly telemetry: Telemetry;
  /** The app's own module: its controllers, gRPC handlers, consumers. */
  readonly module: Type | DynamicModule;
  /** The gRPC service this app serves, if any. */
  readonly grpc?: GrpcServiceContract;
  /** false: the service does not use Prisma, which is then never loaded (see InfraOptions). */
  readonly prisma?: boolean;
  /** REST body limit in bytes (default 1 MiB). */
  readonly bodyLimit?: number;
  /** Last changes to the HTTP app before it listens (e.g. the gateway's OpenAPI document). */
  readonly configureHttp?: (app: NestFastifyApplication) => void | Promise<void>;
}

const READINESS_INTERVAL_MS = 2_000;

/**
 * Starts one Sluice service: Nest on Fastify with /health/* and /metrics, its dependencies
 * (PostgreSQL, Redis, NATS as configured) with readiness checks, the gRPC server (health,
 * reflection, internal auth), and graceful shutdown on SIGTERM/SIGINT: readiness goes false,
 * consumers stop and hand back work, servers close, then the process exits.
 */
export async function runService(definition: ServiceDefinition): Promise<INestApplication> {
  const { config } = definition;
  const logger = createLogger(config.service, config.logLevel);
  const readiness = new Readiness(config.readinessTimeoutMs);
  const registry = createMetricsRegistry(config.service);
  const version = readServiceVersion();

  @Module({
    imports: [
      HealthModule.forRoot(readiness),
      MetricsModule.forRoot(registry),
      InfraModule.forRoot(config, readiness, logger, { prisma: definition.prisma }),
      ...(definition.grpc ? [ServiceInfoModule.forRoot({ service: config.service, version, startedAt: new Date() })] : []),
      definition.module,
    ],
  })
  class ServiceRootModule {}

  const app = await NestFactory.create<NestFastifyApplication>(
    ServiceRootModule,
    new FastifyAdapter({ bodyLimit: definition.bodyLimit ?? 1024 * 1024, return503OnClosing: true, genReqId: requestIdOf, trustProxy: config.trustProxy }),
    { logger: new PinoNestLogger(logger), bufferLogs: true },
  );

  const fastify = app.getHttpAdapter().getInstance();
  // JSON only: a text body must get 415, not reach a handler as a string.
  fastify.removeContentTypeParser(['text/plain']);
  installRequestContext(fastify, logger);
  installHttpMetrics(fastify, registry);
  app.useGlobalFilters(new TransportExceptionFilter());
  app.useGlobalGuards(new InternalAuthGuard(config.internalToken));
  app.useGlobalInterceptors(new CallSpanAttributesInterceptor());

  let grpcHealth: GrpcHealth | undefined;
  if (definition.grpc && config.grpc) {
    const health = new GrpcHealth(readiness, [`${definition.grpc.package}.${definition.grpc.service}`]);
    grpcHealth = health;
    app.connectMicroservice(
      grpcServerOptions({ contract: definition.grpc, ...config.grpc, registry, attach: (server) => health.addToServer(server) }),
      { inheritAppConfig: true },
    );
    await app.startAllMicroservices();
  }
  await definition.configureHttp?.(app);
  await app.listen(config.http.port, config.http.host);

  readiness.onChange((report) =>
    logger.info({ ready: report.ready, checks: report.checks }, report.ready ? 'ready' : 'not ready'),
  );
  readiness.watch(READINESS_INTERVAL_MS);
  readiness.markStarted();
  logger.info({ http: config.http, grpc: config.grpc, version }, `${config.service} started`);

  installShutdown(app, { readiness, grpcHealth, telemetry: definition.telemetry, graceMs: config.shutdownGraceMs, logger });
  return app;
}

/** For main.ts: a service that cannot start says why and exits non-zero. */
export function exitOnStartFailure(error: unknown): never {
  process.stderr.write(`sluice: start-up failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
}

interface ShutdownParts {
  readiness: Readiness;
  grpcHealth?: GrpcHealth;
  telemetry: Telemetry;
  graceMs: number;
  logger: ReturnType<typeof createLogger>;
}

function installShutdown(app: INestApplication, parts: ShutdownParts): void {
  let closing = false;
  const shutdown = async (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    parts.logger.info({ signal }, 'shutting down: no new work, finishing or handing back what is in flight');
    parts.readiness.markShuttingDown();
    parts.grpcHealth?.close();
    const deadline = setTimeout(() => {
      parts.logger.error({ graceMs: parts.graceMs }, 'shutdown took longer than the grace period; exiting');
      process.exit(1);
    }, parts.graceMs + 2_000);
    deadline.unref();
    let code = 0;
    const startedAt = performance.now();
    try {
      parts.readiness.stop();
      await app.close();
    } catch (error) {
      code = 1;
      parts.logger.error({ err: error }, 'error during shutdown');
    }
    const closedAt = performance.now();
    await parts.telemetry.shutdown().catch(() => undefined);
    parts.logger.info(
      { closeMs: Math.round(closedAt - startedAt), telemetryMs: Math.round(performance.now() - closedAt) },
      'stopped',
    );
    process.exit(code);
  };
  process.once('SIGTERM', (s) => void shutdown(s));
  process.once('SIGINT', (s) => void shutdown(s));
}
