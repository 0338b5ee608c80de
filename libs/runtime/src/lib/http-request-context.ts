import { trace } from '@opentelemetry/api';
import type { Logger } from '@sluice/telemetry';
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';

const REQUEST_ID = /^[A-Za-z0-9._-]{8,128}$/;
const QUIET_PATHS = ['/health/', '/metrics'];

/** The caller's X-Request-Id when it is a sane token, else a new UUID. */
export function requestIdOf(request: { headers: Record<string, string | string[] | undefined> }): string {
  const presented = request.headers['x-request-id'];
  return typeof presented === 'string' && REQUEST_ID.test(presented) ? presented : randomUUID();
}

/**
 * Every response carries `X-Request-Id`; the same id is on the request's span (and so in the
 * trace) and on its log line, which also carries the trace id.
 */
export function installRequestContext(fastify: FastifyInstance, logger: Logger): void {
  fastify.addHook('onRequest', async (request, reply) => {
    reply.header('X-Request-Id', request.id);
    trace.getActiveSpan()?.setAttribute('http.request.id', request.id);
  });
  fastify.addHook('onResponse', async (request: FastifyRequest, reply) => {
    if (QUIET_PATHS.some((p) => request.url.startsWith(p))) return;
    const span = trace.getActiveSpan()?.spanContext();
    logger.info(
      {
        request_id: request.id,
        ...(span ? { trace_id: span.traceId } : {}),
        method: request.method,
        route: request.routeOptions.url ?? 'unmatched',
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      },
      'request',
    );
  });
}
