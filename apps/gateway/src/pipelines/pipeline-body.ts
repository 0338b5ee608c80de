import { InvalidArgumentError } from '@sluice/contracts';
import { z } from 'zod';

export interface DefinitionText {
  readonly text: string;
  readonly contentType: 'yaml' | 'json';
}

/**
 * A definition body as text for the orchestrator, which parses it (and so reports every problem
 * with its path): YAML as sent, JSON re-serialised from what the JSON parser read.
 */
export function definitionText(body: unknown, contentTypeHeader: string | undefined): DefinitionText {
  const json = (contentTypeHeader ?? '').toLowerCase().startsWith('application/json');
  if (body === undefined || body === null || (typeof body === 'string' && body.trim() === '')) {
    throw new InvalidArgumentError('invalid request', [{ path: '(body)', message: 'a pipeline definition (application/yaml or application/json) is required' }]);
  }
  if (!json && typeof body === 'string') return { text: body, contentType: 'yaml' };
  return { text: JSON.stringify(body), contentType: 'json' };
}

export const PipelineQuery = z.strictObject({ version: z.coerce.number().int().min(1).max(2_147_483_647).optional() });

export const StartRunBody = z.strictObject({ params: z.record(z.string(), z.unknown()).optional() });

export const ListRunsQuery = z.strictObject({
  pipeline: z.string().max(63).optional(),
  status: z.string().max(20).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(200).optional(),
});
