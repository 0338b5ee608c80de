import { Counter, Histogram, type Registry } from 'prom-client';

/** Requests that matched no route share one label value, so scanners cannot create series at will. */
export const UNMATCHED_ROUTE = 'unmatched';

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

export interface HttpRequestObservation {
  readonly method: string;
  /** The route template (`/v1/tasks/:id`), never the raw URL; undefined when no route matched. */
  readonly route: string | undefined;
  readonly statusCode: number;
  readonly seconds: number;
}

/**
 * RED metrics of an HTTP server, labelled by method, route template and status code:
 * `http_server_requests_total` and `http_server_request_duration_seconds`. Registered once per registry.
 */
export class HttpServerMetrics {
  private static readonly byRegistry = new WeakMap<Registry, HttpServerMetrics>();

  private readonly requests: Counter<'method' | 'route' | 'status_code'>;
  private readonly duration: Histogram<'method' | 'route'>;

  static for(registry: Registry): HttpServerMetrics {
    let metrics = HttpServerMetrics.byRegistry.get(registry);
    if (!metrics) {
      metrics = new HttpServerMetrics(registry);
      HttpServerMetrics.byRegistry.set(registry, metrics);
    }
    return metrics;
  }

  private constructor(registry: Registry) {
    this.requests = new Counter({
      name: 'http_server_requests_total',
      help: 'HTTP requests served, by method, route template and status code',
      labelNames: ['method', 'route', 'status_code'],
      registers: [registry],
    });
    this.duration = new Histogram({
      name: 'http_server_request_duration_seconds',
      help: 'Time from receiving an HTTP request to sending its response, by method and route template',
      labelNames: ['method', 'route'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
  }

  observe(request: HttpRequestObservation): void {
    const method = KNOWN_METHODS.has(request.method) ? request.method : 'OTHER';
    const route = request.route || UNMATCHED_ROUTE;
    this.requests.inc({ method, route, status_code: String(request.statusCode) });
    this.duration.observe({ method, route }, request.seconds);
  }
}
