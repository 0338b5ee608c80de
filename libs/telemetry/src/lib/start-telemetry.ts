import { NodeSDK } from '@opentelemetry/sdk-node';
import { AlwaysOffSampler, BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { GrpcInstrumentation } from '@opentelemetry/instrumentation-grpc';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';

export interface TelemetryOptions {
  readonly serviceName: string;
  readonly serviceVersion: string;
  readonly enabled: boolean;
  /** Send spans over OTLP/HTTP; the endpoint comes from the standard OTEL_EXPORTER_OTLP_* variables. */
  readonly exportTraces: boolean;
}

export interface Telemetry {
  shutdown(): Promise<void>;
}

const IGNORED_HTTP_PATHS = ['/health/live', '/health/ready', '/health/startup', '/metrics'];

/**
 * Starts OpenTelemetry. Call it before anything it instruments (http, grpc, pg, ioredis) is
 * loaded: each app does so from `instrumentation.ts`, its main's first import.
 */
export function startTelemetry(options: TelemetryOptions): Telemetry {
  if (!options.enabled) return { shutdown: async () => undefined };
  const spanProcessors: SpanProcessor[] = options.exportTraces ? [new BatchSpanProcessor({ exporter: new OTLPTraceExporter() })] : [];
  const sdk = new NodeSDK({
    serviceName: options.serviceName,
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: options.serviceName,
      [ATTR_SERVICE_VERSION]: options.serviceVersion,
      'service.namespace': 'sluice',
    }),
    spanProcessors,
    // With nowhere to send spans, recording them only costs time: sample nothing (trace ids are
    // still created and propagated, so logs keep their trace_id). With an exporter, the standard
    // OTEL_TRACES_SAMPLER variables decide.
    ...(options.exportTraces ? {} : { sampler: new AlwaysOffSampler() }),
    // Metrics are scraped from /metrics (Prometheus) and logs go to stdout: without these empty
    // lists the SDK would start OTLP metric and log exporters to localhost by default, which retry
    // for seconds at shutdown when nothing listens.
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (req) => IGNORED_HTTP_PATHS.some((p) => req.url?.startsWith(p)),
      }),
      new GrpcInstrumentation({ ignoreGrpcMethods: ['Check', 'Watch'] }),
      new PgInstrumentation({ requireParentSpan: true }),
      new IORedisInstrumentation({ requireParentSpan: true }),
      new UndiciInstrumentation(),
    ],
  });
  sdk.start();
  return { shutdown: () => sdk.shutdown() };
}
