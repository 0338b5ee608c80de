import { HttpServerMetrics } from '@sluice/telemetry';
import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';

// Probes and scrapes would drown the request rate of the routes people care about.
const isQuietRoute = (route: string | undefined) => route === '/metrics' || (route?.startsWith('/health/') ?? false);

/**
 * Counts every response of the Fastify server by method, route template and status, and
 * observes its duration (RED metrics). A request that matched no route is `route="unmatched"`.
 */
export function installHttpMetrics(fastify: FastifyInstance, registry: Registry): void {
  const metrics = HttpServerMetrics.for(registry);
  fastify.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url;
    if (isQuietRoute(route)) return;
    metrics.observe({ method: request.method, route, statusCode: reply.statusCode, seconds: reply.elapsedTime / 1000 });
  });
}
