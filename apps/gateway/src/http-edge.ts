import helmet from '@fastify/helmet';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { ServiceConfig } from '@sluice/config';
import { setupOpenApi } from './openapi';
import { registerYamlBodyParser } from './pipelines/yaml-body-parser';

/**
 * What only the public edge needs: security headers, a CORS allowlist (no origin is allowed
 * unless configured), and the OpenAPI document.
 */
export function configureEdge(config: ServiceConfig) {
  return async (app: NestFastifyApplication): Promise<void> => {
    await app.register(helmet, {
      // The API serves JSON; the only HTML is the docs page, whose inline scripts need this relaxed.
      contentSecurityPolicy: { directives: { defaultSrc: ["'self'"], scriptSrc: ["'self'", "'unsafe-inline'"], styleSrc: ["'self'", "'unsafe-inline'"], imgSrc: ["'self'", 'data:'] } },
    });
    app.enableCors({
      origin: config.auth?.corsOrigins.length ? [...config.auth.corsOrigins] : false,
      methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
      allowedHeaders: ['Authorization', 'Content-Type', 'X-API-Key', 'Idempotency-Key', 'X-Request-Id', 'Last-Event-ID'],
      exposedHeaders: ['X-Request-Id', 'RateLimit', 'RateLimit-Policy', 'Retry-After'],
      maxAge: 600,
    });
    registerYamlBodyParser(app);
    setupOpenApi(app);
  };
}
