export { startTelemetry } from './lib/start-telemetry';
export type { Telemetry, TelemetryOptions } from './lib/start-telemetry';
export { createLogger, PinoNestLogger } from './lib/logger';
export type { Logger } from './lib/logger';
export { createMetricsRegistry, MetricsModule, METRICS_REGISTRY } from './lib/metrics';
export { HttpServerMetrics, UNMATCHED_ROUTE } from './lib/http-server-metrics';
export type { HttpRequestObservation } from './lib/http-server-metrics';
export { setSluiceSpanAttributes, sluiceIdsOf, SLUICE_SPAN_ATTRIBUTES } from './lib/span-attributes';
export type { SluiceSpanIds } from './lib/span-attributes';
