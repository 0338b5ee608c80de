import { parsePipeline } from '@sluice/pipeline-spec';
import { loadingTable, qualifiedName, rejectTable, stagingTable, stepInputTables, stepOutputTable, tenantSchema } from './names';

const TENANT = '0b8f3c2e-4a8b-4e1a-9c55-2f0d6b1e7a10';

describe('warehouse names', () => {
  it('puts a tenant in t_<hex> and refuses anything that is not a UUID', () => {
    expect(tenantSchema(TENANT)).toBe('t_0b8f3c2e4a8b4e1a9c552f0d6b1e7a10');
    expect(() => tenantSchema('x"; drop schema public; --')).toThrow(/UUID/);
  });

  it('names staging and reject tables by pipeline and step, within 63 bytes and without collisions', () => {
    expect(stagingTable('movies', 'load')).toBe('stg__movies__load');
    expect(rejectTable('movies', 'load')).toBe('rej__movies__load');
    const long = 'p'.repeat(60);
    const a = stagingTable(long, `${'s'.repeat(60)}a`);
    const b = stagingTable(long, `${'s'.repeat(60)}b`);
    expect(a.length).toBeLessThanOrEqual(63);
    expect(b.length).toBeLessThanOrEqual(63);
    expect(a).not.toBe(b);
    expect(loadingTable('stg__movies__load')).toBe('stg__movies__load__load');
    expect(loadingTable(a).length).toBeLessThanOrEqual(63);
    expect(loadingTable(a)).not.toBe(loadingTable(b));
  });

  it('resolves each step to the table holding its output, and a step to the tables it reads', async () => {
    const parsed = await parsePipeline(
      `name: movies
steps:
  - { id: load, kind: ingest, source: { type: file, path: m.csv, format: csv }, columns: [{ name: title, type: text }] }
  - { id: check, kind: dq, input: load, checks: [{ type: row_count, min: 1 }] }
  - { id: clean, kind: transform, inputs: [load], dependsOn: [check], sql: "select title from {{ ref('load') }}", output: { table: movies_clean, mode: replace } }
  - { id: check_clean, kind: dq, input: clean, checks: [{ type: row_count, min: 1 }] }
`,
      'yaml',
    );
    if (!parsed.valid) throw new Error(JSON.stringify(parsed.errors));
    const schema = tenantSchema(TENANT);
    expect(stepOutputTable(TENANT, parsed.pipeline, 'load')).toEqual({ schema, table: 'stg__movies__load' });
    expect(stepOutputTable(TENANT, parsed.pipeline, 'clean')).toEqual({ schema, table: 'movies_clean' });
    expect(stepOutputTable(TENANT, parsed.pipeline, 'check_clean')).toEqual({ schema, table: 'movies_clean' });
    expect(stepInputTables(TENANT, parsed.pipeline, 'check')).toEqual({ load: { schema, table: 'stg__movies__load' } });
    expect(stepInputTables(TENANT, parsed.pipeline, 'clean')).toEqual({ load: { schema, table: 'stg__movies__load' } });
    expect(stepInputTables(TENANT, parsed.pipeline, 'load')).toEqual({});
    expect(() => stepOutputTable(TENANT, parsed.pipeline, 'nope')).toThrow(/no step nope/);
  });

  it('quotes both parts of a qualified name', () => {
    expect(qualifiedName({ schema: 't_00', table: 'a"b' })).toBe('"t_00"."a""b"');
  });
});
