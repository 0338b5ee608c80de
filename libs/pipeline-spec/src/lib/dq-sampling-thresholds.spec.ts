import { parsePipeline } from './parse-pipeline';
import type { PipelineParseResult } from './parse-pipeline';

type Json = Record<string, unknown>;

function pipelineWith(dq: Json) {
  return JSON.stringify({
    name: 'movies',
    steps: [
      { id: 'load', kind: 'ingest', source: { type: 'file', path: 'm.csv', format: 'csv' }, columns: [{ name: 'title', type: 'text' }] },
      { id: 'quality', kind: 'dq', input: 'load', checks: [{ type: 'not_null', column: 'title' }], ...dq },
    ],
  });
}

const errorsOf = (result: PipelineParseResult) => (result.valid ? [] : result.errors);

describe('dq sampling and thresholds', () => {
  it('accepts a sample percent and thresholds on row-level checks, and keeps them', async () => {
    const checks = [
      { type: 'not_null', column: 'title', maxFailing: 3 },
      { type: 'unique', column: 'title', maxFailingPercent: 2.5 },
      { type: 'range', column: 'rating', min: 0, maxFailing: 0, maxFailingPercent: 100 },
      { type: 'accepted_values', column: 'genre', values: ['Drama'], maxFailingPercent: 0 },
      { type: 'regex', column: 'code', pattern: '^[A-Z]{3}$', maxFailing: 10 },
    ];
    const result = await parsePipeline(pipelineWith({ sample: { percent: 10 }, checks }), 'json');
    if (!result.valid) throw new Error(JSON.stringify(result.errors));
    const dq = result.pipeline.steps[1];
    expect(dq.kind === 'dq' && dq.sample).toEqual({ percent: 10 });
    expect(dq.kind === 'dq' && dq.checks.map((check) => ('maxFailing' in check ? check.maxFailing : undefined))).toEqual([3, undefined, 0, undefined, 10]);
  });

  it.each([
    ['a zero sample', { sample: { percent: 0 } }, 'steps.1.sample.percent'],
    ['a sample over 100 percent', { sample: { percent: 101 } }, 'steps.1.sample.percent'],
    ['an unknown sample key', { sample: { percent: 5, seed: 1 } }, 'steps.1.sample.seed'],
    ['a negative maxFailing', { checks: [{ type: 'not_null', column: 'title', maxFailing: -1 }] }, 'steps.1.checks.0.maxFailing'],
    ['a fractional maxFailing', { checks: [{ type: 'not_null', column: 'title', maxFailing: 1.5 }] }, 'steps.1.checks.0.maxFailing'],
    ['a maxFailingPercent over 100', { checks: [{ type: 'unique', column: 'title', maxFailingPercent: 100.5 }] }, 'steps.1.checks.0.maxFailingPercent'],
    ['a threshold on row_count, which has no failing rows', { checks: [{ type: 'row_count', min: 1, maxFailing: 1 }] }, 'steps.1.checks.0.maxFailing'],
    ['a threshold on a sql check', { checks: [{ type: 'sql', name: 'q', query: 'select count(*) from {{ input }}', mustBe: 0, maxFailingPercent: 5 }] }, 'steps.1.checks.0.maxFailingPercent'],
  ])('refuses %s at its path', async (_label, dq, path) => {
    const errors = errorsOf(await parsePipeline(pipelineWith(dq), 'json'));
    expect(errors.map((error) => error.path)).toEqual([path]);
  });

  it('hashes a definition without the new fields as before (they are optional, with no defaults)', async () => {
    const result = await parsePipeline(pipelineWith({}), 'json');
    if (!result.valid) throw new Error(JSON.stringify(result.errors));
    expect(result.pipeline.steps[1]).not.toHaveProperty('sample');
    expect((result.pipeline.steps[1] as { checks: Json[] }).checks[0]).toEqual({ type: 'not_null', column: 'title', severity: 'error' });
  });
});
