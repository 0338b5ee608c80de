import { EXAMPLE_PIPELINE_JSON, EXAMPLE_PIPELINE_YAML } from '../testing';
import { canonicalJson, definitionHash } from './definition-hash';
import { parsePipeline } from './parse-pipeline';
import type { Pipeline } from './pipeline-schema';

async function parsed(text: string, contentType: 'yaml' | 'json'): Promise<Pipeline> {
  const result = await parsePipeline(text, contentType);
  if (!result.valid) throw new Error(JSON.stringify(result.errors));
  return result.pipeline;
}

describe('canonical form and definition hash', () => {
  it('sorts keys at every level and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, 1, { z: null, y: 'é' }], c: true }, u: undefined })).toBe('{"a":{"c":true,"d":[3,1,{"y":"é","z":null}]},"b":1}');
  });

  it('gives YAML and JSON spellings of one definition the same hash', async () => {
    expect(definitionHash(await parsed(EXAMPLE_PIPELINE_YAML, 'yaml'))).toBe(definitionHash(await parsed(EXAMPLE_PIPELINE_JSON, 'json')));
  });

  it('ignores key order, comments, and defaults written out or left implicit', async () => {
    const reordered = EXAMPLE_PIPELINE_YAML.replace('{ name: title, type: text }', '{ type: text, name: title, nullable: false }').replace(/ {2}# .*$/gm, '');
    expect(definitionHash(await parsed(reordered, 'yaml'))).toBe(definitionHash(await parsed(EXAMPLE_PIPELINE_YAML, 'yaml')));
  });

  it('changes when the body changes', async () => {
    const changed = EXAMPLE_PIPELINE_YAML.replace('min: 0, max: 10', 'min: 0, max: 5');
    expect(definitionHash(await parsed(changed, 'yaml'))).not.toBe(definitionHash(await parsed(EXAMPLE_PIPELINE_YAML, 'yaml')));
  });

  it('changes when steps are reordered, because order is meaningful', async () => {
    const pipeline = await parsed(EXAMPLE_PIPELINE_JSON, 'json');
    const swapped = { ...pipeline, steps: [pipeline.steps[1], pipeline.steps[0], pipeline.steps[2]] };
    expect(definitionHash(swapped)).not.toBe(definitionHash(pipeline));
  });

  it('is a sha256 hex digest', async () => {
    expect(definitionHash(await parsed(EXAMPLE_PIPELINE_JSON, 'json'))).toMatch(/^[0-9a-f]{64}$/);
  });

  it('survives a round trip through its own canonical JSON', async () => {
    const pipeline = await parsed(EXAMPLE_PIPELINE_YAML, 'yaml');
    expect(definitionHash(await parsed(canonicalJson(pipeline), 'json'))).toBe(definitionHash(pipeline));
  });
});
