import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { readServiceVersion } from '@sluice/config';
import type { z } from 'zod';
import { toJSONSchema } from 'zod';

/** A zod schema (the one the route validates with) as an OpenAPI 3.0 schema object. */
export const openApiSchema = (schema: z.ZodType) => toJSONSchema(schema, { target: 'openapi-3.0', io: 'input' }) as Record<string, unknown>;

/** The OpenAPI document, generated from the controllers: UI at /docs, JSON at /docs/openapi.json. */
export function setupOpenApi(app: INestApplication): void {
  const config = new DocumentBuilder()
    .setTitle('Sluice')
    .setDescription('Collect web data politely and turn it into clean, checked tables.')
    .setVersion(readServiceVersion())
    .addBearerAuth()
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key' }, 'apiKey')
    .build();
  const document = SwaggerModule.createDocument(app, config);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json', yamlDocumentUrl: 'docs/openapi.yaml' });
}
