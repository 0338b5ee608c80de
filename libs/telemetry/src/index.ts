export { startTelemetry } from './lib/start-telemetry';
export type { Telemetry, TelemetryOptions } from './lib/start-telemetry';
export { createLogger, PinoNestLogger } from './lib/logger';
export type { Logger } from './lib/logger';
export { createMetricsRegistry, MetricsModule, METRICS_REGISTRY } from './lib/metrics';
