import { z } from 'zod';
import { PipelineSchema } from './pipeline-schema';

/**
 * The definition format as JSON Schema (draft 2020-12), generated from PipelineSchema, for the CLI
 * and `GET /v1/pipelines/schema`. It describes the input document (defaults are optional); the
 * cross-step and SQL rules cannot be expressed in JSON Schema and are enforced by parsePipeline.
 */
export function pipelineJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(PipelineSchema, { target: 'draft-2020-12', io: 'input' }) as Record<string, unknown>;
  return {
    ...schema,
    title: 'Sluice pipeline definition',
    description: 'A named list of ingest, dq and transform steps forming a DAG. See @sluice/pipeline-spec README for every rule.',
  };
}
