import { EXAMPLE_PIPELINE_JSON, EXAMPLE_PIPELINE_YAML } from '../testing';
import { MAX_DOCUMENT_BYTES } from './document-reader';
import { parsePipeline } from './parse-pipeline';
import type { PipelineParseResult, PipelineViolation } from './parse-pipeline';
import { PipelineSpecUsageError } from './pipeline-spec-errors';

type Json = Record<string, unknown>;

/** A valid definition: ingest `load`, dq `quality` over it, transform `clean` reading `load` after `quality`. */
function base(): { name: string; steps: Json[] } {
  return {
    name: 'movies',
    steps: [
      {
        id: 'load',
        kind: 'ingest',
        source: { type: 'http', url: 'https://example.org/movies.json', format: 'json' },
        columns: [
          { name: 'title', type: 'text' },
          { name: 'rating', type: 'numeric', nullable: true },
        ],
      },
      { id: 'quality', kind: 'dq', input: 'load', checks: [{ type: 'not_null', column: 'title' }] },
      {
        id: 'clean',
        kind: 'transform',
        inputs: ['load'],
        dependsOn: ['quality'],
        sql: "select title, avg(rating) as rating from {{ ref('load') }} group by title",
        output: { table: 'movies_clean', mode: 'replace' },
      },
    ],
  };
}

async function errorsFor(change: (pipeline: ReturnType<typeof base>) => void): Promise<readonly PipelineViolation[]> {
  const pipeline = base();
  change(pipeline);
  return errorsOf(await parsePipeline(JSON.stringify(pipeline), 'json'));
}

function errorsOf(result: PipelineParseResult): readonly PipelineViolation[] {
  if (result.valid) throw new Error('expected the definition to be refused');
  return result.errors;
}

const step = (pipeline: ReturnType<typeof base>, index: number): Json => pipeline.steps[index];

describe('parsePipeline', () => {
  it('accepts the API.md example as YAML and as JSON, with the same result', async () => {
    const fromYaml = await parsePipeline(EXAMPLE_PIPELINE_YAML, 'yaml');
    const fromJson = await parsePipeline(EXAMPLE_PIPELINE_JSON, 'json');
    expect(fromYaml).toMatchObject({ valid: true });
    expect(fromJson).toEqual(fromYaml);
  });

  it('fills in defaults: columns are not nullable and checks have severity error', async () => {
    const result = await parsePipeline(EXAMPLE_PIPELINE_YAML, 'yaml');
    if (!result.valid) throw new Error(JSON.stringify(result.errors));
    const [load, check] = result.pipeline.steps;
    expect(load.kind === 'ingest' && load.columns[0]).toEqual({ name: 'title', type: 'text', nullable: false });
    expect(check.kind === 'dq' && check.checks[2]).toEqual({ type: 'range', column: 'rating', min: 0, max: 10, severity: 'error' });
  });

  it('accepts the base definition used by these tests', async () => {
    await expect(parsePipeline(JSON.stringify(base()), 'json')).resolves.toMatchObject({ valid: true });
  });

  describe('documents', () => {
    it('refuses a document over the size limit before parsing it', async () => {
      const text = `name: big\n# ${'x'.repeat(MAX_DOCUMENT_BYTES)}\nsteps: [`;
      const errors = errorsOf(await parsePipeline(text, 'yaml'));
      expect(errors).toEqual([{ path: '(root)', message: expect.stringMatching(/limit is 262144 bytes/) }]);
    });

    it('counts the size in UTF-8 bytes, not characters', async () => {
      const text = JSON.stringify({ name: 'é'.repeat(MAX_DOCUMENT_BYTES / 2 + 1) });
      expect(errorsOf(await parsePipeline(text, 'json'))[0].message).toMatch(/bytes; the limit/);
    });

    it('refuses a YAML alias bomb (billion laughs)', async () => {
      const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
      const names = 'abcdefghi';
      for (let i = 1; i < names.length; i++) {
        const previous = `*${names[i - 1]}`;
        lines.push(`${names[i]}: &${names[i]} [${Array(9).fill(previous).join(',')}]`);
      }
      const errors = errorsOf(await parsePipeline(lines.join('\n'), 'yaml'));
      expect(errors).toEqual([{ path: '(root)', message: expect.stringMatching(/alias/i) }]);
    });

    it('refuses a document with too many values even without aliases', async () => {
      const text = JSON.stringify({ name: 'many', steps: Array(60_000).fill(0) });
      const errors = errorsOf(await parsePipeline(text, 'json'));
      expect(errors).toEqual([{ path: '(root)', message: expect.stringMatching(/more than 50000 values/) }]);
    });

    it.each([
      ['JSON', 'json' as const, `${'['.repeat(100_000)}${']'.repeat(100_000)}`],
      ['YAML', 'yaml' as const, `${'['.repeat(100_000)}${']'.repeat(100_000)}`],
    ])('refuses deeply nested %s', async (_label, contentType, text) => {
      const errors = errorsOf(await parsePipeline(text, contentType));
      expect(errors).toEqual([{ path: '(root)', message: expect.stringMatching(/nested|invalid/) }]);
    });

    it.each([
      ['a list', '- a\n- b', /must be a mapping \(object\), not a list/],
      ['a string', 'hello', /not a string/],
      ['an empty document', '', /not null/],
      ['a number', '42', /not a number/],
    ])('refuses a YAML root that is %s', async (_label, text, message) => {
      expect(errorsOf(await parsePipeline(text, 'yaml'))).toEqual([{ path: '(root)', message: expect.stringMatching(message) }]);
    });

    it('refuses a JSON root that is a list', async () => {
      expect(errorsOf(await parsePipeline('[]', 'json'))).toEqual([{ path: '(root)', message: expect.stringMatching(/not a list/) }]);
    });

    it.each([
      ['a syntax error', 'name: [movies', /invalid YAML/],
      ['duplicate keys', 'name: a\nname: b\nsteps: []', /invalid YAML: Map keys must be unique/],
      ['several documents', 'name: a\n---\nname: b', /invalid YAML/],
      ['an unknown tag', 'name: !!js/function "x"\nsteps: []', /invalid YAML/],
    ])('refuses YAML with %s', async (_label, text, message) => {
      expect(errorsOf(await parsePipeline(text, 'yaml'))).toEqual([{ path: '(root)', message: expect.stringMatching(message) }]);
    });

    it('refuses malformed JSON', async () => {
      expect(errorsOf(await parsePipeline('{"name": ', 'json'))).toEqual([{ path: '(root)', message: expect.stringMatching(/invalid JSON/) }]);
    });

    it('reads YAML 1.2: yes/no are strings, so a boolean field refuses them', async () => {
      const text = EXAMPLE_PIPELINE_YAML.replace('nullable: true', 'nullable: yes');
      expect(errorsOf(await parsePipeline(text, 'yaml'))).toEqual([{ path: 'steps.0.columns.1.nullable', message: expect.stringMatching(/expected boolean/) }]);
    });

    it('allows a few YAML anchors for repeated check lists', async () => {
      const text = [
        'name: anchors',
        'steps:',
        '  - { id: a, kind: ingest, source: { type: file, path: a.csv, format: csv }, columns: &cols [{ name: title, type: text }] }',
        '  - { id: b, kind: ingest, source: { type: file, path: b.csv, format: csv }, columns: *cols }',
      ].join('\n');
      await expect(parsePipeline(text, 'yaml')).resolves.toMatchObject({ valid: true });
    });

    it('throws only for programming errors', async () => {
      await expect(parsePipeline(42 as unknown as string, 'json')).rejects.toBeInstanceOf(PipelineSpecUsageError);
      await expect(parsePipeline('{}', 'xml' as unknown as 'json')).rejects.toBeInstanceOf(PipelineSpecUsageError);
    });
  });

  describe('structure', () => {
    it.each([
      ['at the top', (p: ReturnType<typeof base>) => Object.assign(p, { owner: 'me' }), 'owner'],
      ['in a step', (p: ReturnType<typeof base>) => Object.assign(step(p, 0), { retries: 3 }), 'steps.0.retries'],
      ['in a source', (p: ReturnType<typeof base>) => Object.assign(step(p, 0).source as Json, { headers: {} }), 'steps.0.source.headers'],
      ['in a check', (p: ReturnType<typeof base>) => Object.assign((step(p, 1).checks as Json[])[0], { where: 'x' }), 'steps.1.checks.0.where'],
      ['in an output', (p: ReturnType<typeof base>) => Object.assign(step(p, 2).output as Json, { schema: 'public' }), 'steps.2.output.schema'],
    ])('refuses an unknown key %s', async (_label, change, path) => {
      const key = path.split('.').pop();
      expect(await errorsFor(change)).toEqual([{ path, message: `unknown key ${key}` }]);
    });

    it('refuses a __proto__ key instead of merging it', async () => {
      const text = JSON.stringify(base()).replace('"id":"load"', '"__proto__":{"polluted":true},"id":"load"');
      expect(errorsOf(await parsePipeline(text, 'json'))).toEqual([{ path: 'steps.0.__proto__', message: 'unknown key __proto__' }]);
      expect(({} as Json).polluted).toBeUndefined();
    });

    it('refuses an unknown step kind at its kind', async () => {
      const errors = await errorsFor((p) => Object.assign(step(p, 0), { kind: 'export' }));
      expect(errors).toEqual([{ path: 'steps.0.kind', message: expect.stringMatching(/ingest.*dq.*transform/) }]);
    });

    it('reports every offending field at once', async () => {
      const errors = await errorsFor((p) => {
        Object.assign(step(p, 0), { id: 'Load' });
        Object.assign(step(p, 2).output as Json, { table: 'Bad-Table' });
      });
      expect(errors.map((error) => error.path)).toEqual(['steps.0.id', 'steps.2.output.table']);
    });

    it.each([
      ['an empty list', []],
      ['more than 100 steps', Array.from({ length: 101 }, (_, i) => ({ id: `s${i}`, kind: 'dq', input: 's0', checks: [] }))],
    ])('refuses %s of steps', async (_label, steps) => {
      const errors = await errorsFor((p) => Object.assign(p, { steps }));
      expect(errors).toEqual([{ path: 'steps', message: expect.stringMatching(/>=1|<=100/) }]);
    });
  });

  describe('identifiers', () => {
    it.each([
      ['a pipeline name with spaces', (p: ReturnType<typeof base>) => Object.assign(p, { name: 'my movies' }), 'name'],
      ['an upper-case step id', (p: ReturnType<typeof base>) => Object.assign(step(p, 0), { id: 'Load' }), 'steps.0.id'],
      ['a step id starting with a digit', (p: ReturnType<typeof base>) => Object.assign(step(p, 0), { id: '1load' }), 'steps.0.id'],
      ['a 64-character step id', (p: ReturnType<typeof base>) => Object.assign(step(p, 0), { id: `a${'b'.repeat(63)}` }), 'steps.0.id'],
      ['a step id with a quote', (p: ReturnType<typeof base>) => Object.assign(step(p, 0), { id: 'load"; drop' }), 'steps.0.id'],
      ['a column name with a dash', (p: ReturnType<typeof base>) => Object.assign((step(p, 0).columns as Json[])[1], { name: 'the-rating' }), 'steps.0.columns.1.name'],
      ['a table name with a schema', (p: ReturnType<typeof base>) => Object.assign(step(p, 2).output as Json, { table: 'public.movies' }), 'steps.2.output.table'],
      ['an unknown-step reference that is not an identifier', (p: ReturnType<typeof base>) => Object.assign(step(p, 2), { dependsOn: ['Quality'] }), 'steps.2.dependsOn.0'],
    ])('refuses %s', async (_label, change, path) => {
      expect(await errorsFor(change)).toEqual([{ path, message: expect.stringMatching(/a-z, 0-9/) }]);
    });

    it.each([
      ['a column named order', (p: ReturnType<typeof base>) => Object.assign((step(p, 0).columns as Json[])[0], { name: 'order' }), 'steps.0.columns.0.name', /reserved SQL word/],
      ['a table named select', (p: ReturnType<typeof base>) => Object.assign(step(p, 2).output as Json, { table: 'select' }), 'steps.2.output.table', /reserved SQL word/],
      ['a table starting with pg_', (p: ReturnType<typeof base>) => Object.assign(step(p, 2).output as Json, { table: 'pg_user' }), 'steps.2.output.table', /pg_/],
      ['a check column named user', (p: ReturnType<typeof base>) => Object.assign((step(p, 1).checks as Json[])[0], { column: 'user' }), 'steps.1.checks.0.column', /reserved SQL word/],
    ])('refuses %s', async (_label, change, path, message) => {
      expect(await errorsFor(change)).toEqual([{ path, message: expect.stringMatching(message) }]);
    });

    it('allows a reserved word as a step id, which never appears in SQL unquoted', async () => {
      await expect(parsePipeline(EXAMPLE_PIPELINE_YAML, 'yaml')).resolves.toMatchObject({ valid: true, pipeline: { steps: [{}, { id: 'check' }, {}] } });
    });

    it('refuses duplicate step ids at the second one', async () => {
      const errors = await errorsFor((p) => Object.assign(step(p, 2), { id: 'load' }));
      expect(errors).toEqual([{ path: 'steps.2.id', message: 'duplicate step id load (also steps.0.id)' }]);
    });

    it('refuses duplicate column names', async () => {
      const errors = await errorsFor((p) => Object.assign((step(p, 0).columns as Json[])[1], { name: 'title' }));
      expect(errors).toEqual([{ path: 'steps.0.columns.1.name', message: 'duplicate column title' }]);
    });

    it('refuses two transforms writing the same table', async () => {
      const errors = await errorsFor((p) => p.steps.push({ ...step(p, 2), id: 'again', dependsOn: undefined }));
      expect(errors).toEqual([{ path: 'steps.3.output.table', message: 'table movies_clean is already written by steps.2' }]);
    });
  });

  describe('references', () => {
    it.each([
      ['an unknown dq input', (p: ReturnType<typeof base>) => Object.assign(step(p, 1), { input: 'nope' }), 'steps.1.input', 'unknown step nope'],
      ['an unknown transform input', (p: ReturnType<typeof base>) => Object.assign(step(p, 2), { inputs: ['nope'], sql: 'select 1 as x' }), 'steps.2.inputs.0', 'unknown step nope'],
      ['an unknown dependsOn', (p: ReturnType<typeof base>) => Object.assign(step(p, 2), { dependsOn: ['quality', 'nope'] }), 'steps.2.dependsOn.1', 'unknown step nope'],
      ['an unknown ref()', (p: ReturnType<typeof base>) => Object.assign(step(p, 2), { sql: "select * from {{ ref('nope') }}" }), 'steps.2.sql', "ref('nope') names an unknown step"],
      ['a ref() missing from inputs', (p: ReturnType<typeof base>) => Object.assign(step(p, 2), { sql: "select * from {{ ref('again') }}" }) && p.steps.push({ ...step(p, 0), id: 'again' }), 'steps.2.sql', "ref('again') is not listed in inputs"],
    ])('refuses %s', async (_label, change, path, message) => {
      expect(await errorsFor(change)).toEqual([{ path, message }]);
    });

    it('refuses a dq step whose input is another dq step', async () => {
      const errors = await errorsFor((p) => p.steps.push({ id: 'more', kind: 'dq', input: 'quality', checks: [{ type: 'row_count', min: 1 }] }));
      expect(errors).toEqual([{ path: 'steps.3.input', message: expect.stringMatching(/quality is a dq step.*must be an ingest or transform step/) }]);
    });

    it('refuses a transform that lists a dq step as an input', async () => {
      const errors = await errorsFor((p) => Object.assign(step(p, 2), { inputs: ['load', 'quality'] }));
      expect(errors).toEqual([{ path: 'steps.2.inputs.1', message: expect.stringMatching(/quality is a dq step.*use dependsOn/) }]);
    });

    it('refuses duplicate entries in inputs and dependsOn', async () => {
      const errors = await errorsFor((p) => Object.assign(step(p, 2), { inputs: ['load', 'load'], dependsOn: ['quality', 'quality'] }));
      expect(errors).toEqual([
        { path: 'steps.2.inputs.1', message: 'duplicate input load' },
        { path: 'steps.2.dependsOn.1', message: 'duplicate step quality' },
      ]);
    });
  });

  describe('cycles', () => {
    it('names a two-step cycle at the field that closes it', async () => {
      const errors = await errorsFor((p) => {
        Object.assign(step(p, 0), { dependsOn: ['clean'] });
        delete step(p, 2).dependsOn;
      });
      expect(errors).toEqual([{ path: 'steps.0.dependsOn.0', message: 'dependency cycle: load -> clean -> load' }]);
    });

    it('names every step of a longer cycle in data-flow order', async () => {
      const errors = await errorsFor((p) => Object.assign(step(p, 0), { dependsOn: ['clean'] }));
      expect(errors).toEqual([{ path: 'steps.0.dependsOn.0', message: 'dependency cycle: load -> quality -> clean -> load' }]);
    });

    it('names a step that depends on itself', async () => {
      const errors = await errorsFor((p) => Object.assign(step(p, 0), { dependsOn: ['load'] }));
      expect(errors).toEqual([{ path: 'steps.0.dependsOn.0', message: 'dependency cycle: load -> load' }]);
    });

    it('names a three-step cycle made of inputs and refs', async () => {
      const transform = (id: string, input: string): Json => ({
        id,
        kind: 'transform',
        inputs: [input],
        sql: `select * from {{ ref('${input}') }}`,
        output: { table: `t_${id}`, mode: 'append' },
      });
      const errors = await errorsFor((p) => p.steps.push(transform('a', 'c'), transform('b', 'a'), transform('c', 'b')));
      expect(errors).toEqual([{ path: 'steps.3.inputs.0', message: 'dependency cycle: a -> b -> c -> a' }]);
    });
  });

  describe('checks', () => {
    const withCheck = (check: Json) => (p: ReturnType<typeof base>) => Object.assign(step(p, 1), { checks: [{ type: 'not_null', column: 'title' }, check] });

    it.each([
      ['range without min or max', { type: 'range', column: 'rating' }, 'steps.1.checks.1.min', /needs min, max or both/],
      ['range with min above max', { type: 'range', column: 'rating', min: 5, max: 1 }, 'steps.1.checks.1.max', /less than min/],
      ['row_count without bounds', { type: 'row_count' }, 'steps.1.checks.1.min', /needs min, max or both/],
      ['row_count with a negative minimum', { type: 'row_count', min: -1 }, 'steps.1.checks.1.min', />=0/],
      ['accepted_values with an empty list', { type: 'accepted_values', column: 'genre', values: [] }, 'steps.1.checks.1.values', /at least one value/],
      ['accepted_values without values', { type: 'accepted_values', column: 'genre' }, 'steps.1.checks.1.values', /expected array/],
      ['a regex that does not compile', { type: 'regex', column: 'code', pattern: '([A-Z' }, 'steps.1.checks.1.pattern', /does not compile/],
      ['a catastrophic regex', { type: 'regex', column: 'code', pattern: '^(a+)+$' }, 'steps.1.checks.1.pattern', /exponential/],
      ['an over-long regex', { type: 'regex', column: 'code', pattern: 'a'.repeat(501) }, 'steps.1.checks.1.pattern', /longer than 500/],
      ['freshness with a spelled-out duration', { type: 'freshness', column: 'updated_at', maxAge: '1 day' }, 'steps.1.checks.1.maxAge', /not a duration/],
      ['freshness with a zero duration', { type: 'freshness', column: 'updated_at', maxAge: '0h' }, 'steps.1.checks.1.maxAge', /not a duration/],
      ['freshness without maxAge', { type: 'freshness', column: 'updated_at' }, 'steps.1.checks.1.maxAge', /expected string/],
      ['an unknown check type', { type: 'looks_good', column: 'title' }, 'steps.1.checks.1.type', /not_null/],
      ['a severity other than error or warn', { type: 'unique', column: 'title', severity: 'fatal' }, 'steps.1.checks.1.severity', /error.*warn/],
      ['a sql check without mustBe', { type: 'sql', name: 'q', query: 'select count(*) from {{ input }}' }, 'steps.1.checks.1.mustBe', /expected number/],
    ])('refuses %s', async (_label, check, path, message) => {
      expect(await errorsFor(withCheck(check))).toEqual([{ path, message: expect.stringMatching(message) }]);
    });

    it('refuses two sql checks with the same name', async () => {
      const query = 'select count(*) from {{ input }}';
      const errors = await errorsFor((p) => Object.assign(step(p, 1), { checks: [{ type: 'sql', name: 'q', query, mustBe: 0 }, { type: 'sql', name: 'q', query, mustBe: 1 }] }));
      expect(errors).toEqual([{ path: 'steps.1.checks.1.name', message: 'duplicate check name q' }]);
    });

    it('refuses a dq step without checks', async () => {
      expect(await errorsFor((p) => Object.assign(step(p, 1), { checks: [] }))).toEqual([{ path: 'steps.1.checks', message: expect.stringMatching(/>=1/) }]);
    });
  });

  describe('ingest', () => {
    it.each([
      ['a column type outside the fixed set', (p: ReturnType<typeof base>) => Object.assign((step(p, 0).columns as Json[])[1], { type: 'varchar' }), 'steps.0.columns.1.type', /text.*jsonb/],
      ['a format other than csv, ndjson or json', (p: ReturnType<typeof base>) => Object.assign(step(p, 0).source as Json, { format: 'xml' }), 'steps.0.source.format', /csv.*ndjson.*json/],
      ['an ftp URL', (p: ReturnType<typeof base>) => Object.assign(step(p, 0).source as Json, { url: 'ftp://example.org/a.csv' }), 'steps.0.source.url', /http\(s\) URL, not ftp:/],
      ['a file URL', (p: ReturnType<typeof base>) => Object.assign(step(p, 0).source as Json, { url: 'file:///etc/passwd' }), 'steps.0.source.url', /http\(s\) URL/],
      ['a relative URL', (p: ReturnType<typeof base>) => Object.assign(step(p, 0).source as Json, { url: '/movies.json' }), 'steps.0.source.url', /absolute http\(s\) URL/],
      ['a URL with credentials', (p: ReturnType<typeof base>) => Object.assign(step(p, 0).source as Json, { url: 'https://user:secret@example.org/a.json' }), 'steps.0.source.url', /user name or password/],
      ['a file path with ..', (p: ReturnType<typeof base>) => Object.assign(step(p, 0), { source: { type: 'file', path: 'data/../../etc/passwd', format: 'csv' } }), 'steps.0.source.path', /without \.\./],
      ['an absolute file path', (p: ReturnType<typeof base>) => Object.assign(step(p, 0), { source: { type: 'file', path: '/etc/passwd', format: 'csv' } }), 'steps.0.source.path', /leading \//],
      ['a file path with a backslash', (p: ReturnType<typeof base>) => Object.assign(step(p, 0), { source: { type: 'file', path: '..\\secrets', format: 'csv' } }), 'steps.0.source.path', /relative path/],
      ['a scrape source without a UUID task id', (p: ReturnType<typeof base>) => Object.assign(step(p, 0), { source: { type: 'scrape', taskId: 'latest' } }), 'steps.0.source.taskId', /task id \(UUID\)/],
      ['an unknown source type', (p: ReturnType<typeof base>) => Object.assign(step(p, 0), { source: { type: 's3', url: 'x' } }), 'steps.0.source.type', /http.*file.*scrape/],
      ['an ingest step without columns', (p: ReturnType<typeof base>) => Object.assign(step(p, 0), { columns: [] }), 'steps.0.columns', />=1/],
    ])('refuses %s', async (_label, change, path, message) => {
      expect(await errorsFor(change)).toEqual([{ path, message: expect.stringMatching(message) }]);
    });

    it('accepts file and scrape sources', async () => {
      const pipeline = base();
      pipeline.steps.push(
        { id: 'from_file', kind: 'ingest', source: { type: 'file', path: 'exports/2024/movies.ndjson', format: 'ndjson' }, columns: [{ name: 'title', type: 'text' }] },
        { id: 'from_crawl', kind: 'ingest', source: { type: 'scrape', taskId: '0b6d5f0e-8a51-4c1e-9f0a-2f4e8c6b1a3d' }, columns: [{ name: 'title', type: 'text' }] },
      );
      await expect(parsePipeline(JSON.stringify(pipeline), 'json')).resolves.toMatchObject({ valid: true });
    });
  });

  describe('transform output', () => {
    it('refuses upsert without key columns', async () => {
      const errors = await errorsFor((p) => Object.assign(step(p, 2), { output: { table: 'movies_clean', mode: 'upsert' } }));
      expect(errors).toEqual([{ path: 'steps.2.output.key', message: expect.stringMatching(/mode upsert needs key/) }]);
    });

    it('refuses upsert with an empty key', async () => {
      const errors = await errorsFor((p) => Object.assign(step(p, 2), { output: { table: 'movies_clean', mode: 'upsert', key: [] } }));
      expect(errors).toEqual([{ path: 'steps.2.output.key', message: expect.stringMatching(/mode upsert needs key/) }]);
    });

    it('refuses key with a mode that does not use it', async () => {
      const errors = await errorsFor((p) => Object.assign(step(p, 2), { output: { table: 'movies_clean', mode: 'append', key: ['title'] } }));
      expect(errors).toEqual([{ path: 'steps.2.output.key', message: 'key is only used with mode upsert' }]);
    });

    it('refuses a bad key column name at its index', async () => {
      const errors = await errorsFor((p) => Object.assign(step(p, 2), { output: { table: 'movies_clean', mode: 'upsert', key: ['title', 'Year'] } }));
      expect(errors).toEqual([{ path: 'steps.2.output.key.1', message: expect.stringMatching(/a-z, 0-9/) }]);
    });

    it('accepts upsert with key columns', async () => {
      const pipeline = base();
      Object.assign(step(pipeline, 2), { output: { table: 'movies_clean', mode: 'upsert', key: ['title'] } });
      await expect(parsePipeline(JSON.stringify(pipeline), 'json')).resolves.toMatchObject({ valid: true });
    });
  });
});
