import { EXAMPLE_PIPELINE_JSON } from '../testing';
import { pipelineJsonSchema } from './json-schema';

type Schema = Record<string, unknown>;

/**
 * A small validator for the JSON Schema keywords the generated schema uses, enough to show that
 * the schema accepts the example and refuses what the zod schema refuses structurally.
 */
function schemaErrors(schema: Schema, value: unknown, path = ''): string[] {
  const errors: string[] = [];
  const fail = (message: string) => errors.push(`${path || '(root)'}: ${message}`);
  if (schema.type !== undefined && !hasType(value, schema.type as string)) return [`${path || '(root)'}: expected ${String(schema.type)}`];
  if ('const' in schema && value !== schema.const) fail(`expected ${JSON.stringify(schema.const)}`);
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) fail(`expected one of ${schema.enum.join(', ')}`);
  if (typeof value === 'string') {
    if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern).test(value)) fail(`does not match ${schema.pattern}`);
    if (typeof schema.maxLength === 'number' && value.length > schema.maxLength) fail('too long');
  }
  if (typeof value === 'number') {
    if (typeof schema.minimum === 'number' && value < schema.minimum) fail('below minimum');
    if (typeof schema.maximum === 'number' && value > schema.maximum) fail('above maximum');
  }
  if (Array.isArray(value)) {
    if (typeof schema.minItems === 'number' && value.length < schema.minItems) fail('too few items');
    if (typeof schema.maxItems === 'number' && value.length > schema.maxItems) fail('too many items');
    if (schema.items !== undefined) value.forEach((item, index) => errors.push(...schemaErrors(schema.items as Schema, item, `${path}.${index}`)));
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const properties = (schema.properties ?? {}) as Record<string, Schema>;
    for (const key of (schema.required ?? []) as string[]) if (!(key in value)) fail(`missing ${key}`);
    for (const [key, item] of Object.entries(value)) {
      if (properties[key] !== undefined) errors.push(...schemaErrors(properties[key], item, `${path}.${key}`));
      else if (schema.additionalProperties === false) fail(`unknown key ${key}`);
    }
  }
  for (const keyword of ['oneOf', 'anyOf'] as const) {
    const options = schema[keyword] as Schema[] | undefined;
    if (options === undefined) continue;
    const matching = options.filter((option) => schemaErrors(option, value, path).length === 0).length;
    if (keyword === 'oneOf' ? matching !== 1 : matching === 0) fail(`${keyword} matched ${matching} options`);
  }
  return errors;
}

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case 'object':
      return value !== null && typeof value === 'object' && !Array.isArray(value);
    case 'array':
      return Array.isArray(value);
    case 'integer':
      return Number.isInteger(value);
    case 'null':
      return value === null;
    default:
      return typeof value === type;
  }
}

describe('pipelineJsonSchema', () => {
  const schema = pipelineJsonSchema();
  const example = (): { name: string; steps: Record<string, unknown>[] } => JSON.parse(EXAMPLE_PIPELINE_JSON);

  it('is a draft 2020-12 object schema with a steps property', () => {
    expect(schema).toMatchObject({ $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object', additionalProperties: false, required: ['name', 'steps'] });
    expect(schema.properties).toHaveProperty('steps');
    expect(JSON.parse(JSON.stringify(schema))).toEqual(schema);
  });

  it('validates the API.md example', () => {
    expect(schemaErrors(schema, example())).toEqual([]);
  });

  it('refuses unknown keys, bad identifiers, unknown kinds and column types', () => {
    const withExtra = { ...example(), owner: 'me' };
    expect(schemaErrors(schema, withExtra)).toEqual(['(root): unknown key owner']);

    const badId = example();
    badId.steps[0].id = 'Load';
    expect(schemaErrors(schema, badId)).toEqual(['.steps.0: oneOf matched 0 options']);

    const badType = example();
    (badType.steps[0].columns as Record<string, unknown>[])[0].type = 'varchar';
    expect(schemaErrors(schema, badType)).toHaveLength(1);

    const noSteps = { name: 'movies', steps: [] };
    expect(schemaErrors(schema, noSteps)).toEqual(['.steps: too few items']);
  });

  it('treats defaults as optional in the input document', () => {
    const column = (schema.properties as Record<string, Schema>).steps;
    const ingest = ((column.items as Schema).oneOf as Schema[])[0];
    const columns = (ingest.properties as Record<string, Schema>).columns.items as Schema;
    expect(columns.required).toEqual(['name', 'type']);
  });
});
