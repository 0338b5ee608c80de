import type { NestFastifyApplication } from '@nestjs/platform-fastify';

/** Media types of a YAML pipeline definition; the body reaches the handler as text. */
export const YAML_MEDIA_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml'];

/** Lets `application/yaml` bodies through (as strings, within the app's body limit) for pipeline definitions. */
export function registerYamlBodyParser(app: NestFastifyApplication): void {
  app.getHttpAdapter().getInstance().addContentTypeParser(YAML_MEDIA_TYPES, { parseAs: 'string' }, (_request, body, done) => done(null, body));
}
