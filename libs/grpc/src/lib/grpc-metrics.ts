import {
  InterceptingCall,
  RequesterBuilder,
  ResponderBuilder,
  ServerInterceptingCall,
  ServerListenerBuilder,
  status as GrpcStatus,
  type Interceptor,
  type ServerInterceptor,
} from '@grpc/grpc-js';
import { Counter, Histogram, type Registry } from 'prom-client';

/** Probes and tooling, not API traffic: their calls are not counted. */
const UNCOUNTED_SERVICES = new Set(['grpc.health.v1.Health', 'grpc.reflection.v1.ServerReflection', 'grpc.reflection.v1alpha.ServerReflection']);

export interface GrpcMethodLabels {
  readonly service: string;
  readonly method: string;
}

/** `/sluice.scheduler.v1.SchedulerService/CreateTask` → service `sluice.scheduler.v1.SchedulerService`, method `CreateTask`. */
export function grpcMethodLabels(path: string): GrpcMethodLabels {
  const match = /^\/([^/]+)\/([^/]+)$/.exec(path);
  return match ? { service: match[1], method: match[2] } : { service: 'unknown', method: 'unknown' };
}

/** The status name Prometheus queries use (`OK`, `NOT_FOUND`...), or the number for a code gRPC does not define. */
export function grpcCodeName(code: number): string {
  return GrpcStatus[code] ?? String(code);
}

/** One set of series per registry, however many servers or clients report into it. */
function perRegistry<T>(create: (registry: Registry) => T): (registry: Registry) => T {
  const byRegistry = new WeakMap<Registry, T>();
  return (registry) => {
    let metrics = byRegistry.get(registry);
    if (!metrics) {
      metrics = create(registry);
      byRegistry.set(registry, metrics);
    }
    return metrics;
  };
}

const serverMetrics = perRegistry((registry) => ({
  handled: new Counter({
    name: 'grpc_server_handled_total',
    help: 'gRPC calls completed by this server, by service, method and status code',
    labelNames: ['service', 'method', 'code'] as const,
    registers: [registry],
  }),
  seconds: new Histogram({
    name: 'grpc_server_handling_seconds',
    help: 'Time from receiving a gRPC call to sending its status, by service and method',
    labelNames: ['service', 'method'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  }),
}));

const clientMetrics = perRegistry((registry) => ({
  handled: new Counter({
    name: 'grpc_client_handled_total',
    help: 'gRPC calls this process made that completed, by service, method and status code',
    labelNames: ['service', 'method', 'code'] as const,
    registers: [registry],
  }),
}));

/**
 * A grpc-js server interceptor counting every call by final status and timing it
 * (`grpc_server_handled_total`, `grpc_server_handling_seconds`). It sees what the client sees,
 * including calls refused before reaching a handler (unauthenticated, unimplemented) and calls
 * the client cancelled. Health and reflection calls are not counted.
 */
export function grpcServerMetricsInterceptor(registry: Registry): ServerInterceptor {
  const metrics = serverMetrics(registry);
  return (methodDescriptor, call) => {
    const labels = grpcMethodLabels(methodDescriptor.path);
    if (UNCOUNTED_SERVICES.has(labels.service)) return new ServerInterceptingCall(call);
    const started = performance.now();
    let counted = false;
    const count = (code: number) => {
      if (counted) return;
      counted = true;
      metrics.handled.inc({ ...labels, code: grpcCodeName(code) });
      metrics.seconds.observe(labels, (performance.now() - started) / 1000);
    };
    const responder = new ResponderBuilder()
      .withStart((next) => next(new ServerListenerBuilder().withOnCancel(() => count(GrpcStatus.CANCELLED)).build()))
      .withSendStatus((status, next) => {
        count(status.code ?? GrpcStatus.UNKNOWN);
        next(status);
      })
      .build();
    return new ServerInterceptingCall(call, responder);
  };
}

/** A grpc-js client interceptor counting every call this process makes by final status (`grpc_client_handled_total`). */
export function grpcClientMetricsInterceptor(registry: Registry): Interceptor {
  const metrics = clientMetrics(registry);
  return (options, nextCall) => {
    const labels = grpcMethodLabels(options.method_definition.path);
    const requester = new RequesterBuilder()
      .withStart((metadata, _listener, next) => {
        next(metadata, {
          onReceiveStatus: (status, nextStatus) => {
            metrics.handled.inc({ ...labels, code: grpcCodeName(status.code) });
            nextStatus(status);
          },
        });
      })
      .build();
    return new InterceptingCall(nextCall(options), requester);
  };
}
