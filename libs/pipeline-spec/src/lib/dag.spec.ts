import { parsePipeline } from './parse-pipeline';
import type { Pipeline } from './pipeline-schema';
import { PipelineSpecUsageError } from './pipeline-spec-errors';
import { dqStepOutcome, readySteps } from './ready-steps';
import { dependenciesOf } from './step-dependencies';
import { topologicalOrder } from './topological-order';

/**
 * raw_a, raw_b: ingest. check_a: dq over raw_a (error check), check_b: dq over raw_b (warn only).
 * joined: transform over raw_a + raw_b after check_a. report: transform over joined after check_b.
 */
async function pipeline(): Promise<Pipeline> {
  const ingest = (id: string) => ({ id, kind: 'ingest', source: { type: 'file', path: `${id}.csv`, format: 'csv' }, columns: [{ name: 'k', type: 'text' }] });
  const result = await parsePipeline(
    JSON.stringify({
      name: 'dag',
      steps: [
        {
          id: 'report',
          kind: 'transform',
          inputs: ['joined'],
          dependsOn: ['check_b'],
          sql: "select count(*) as n from {{ ref('joined') }}",
          output: { table: 'report', mode: 'replace' },
        },
        ingest('raw_b'),
        ingest('raw_a'),
        { id: 'check_b', kind: 'dq', input: 'raw_b', checks: [{ type: 'row_count', min: 1, severity: 'warn' }] },
        {
          id: 'joined',
          kind: 'transform',
          inputs: ['raw_a', 'raw_b'],
          dependsOn: ['check_a'],
          sql: "select a.k from {{ ref('raw_a') }} a join {{ ref('raw_b') }} b using (k)",
          output: { table: 'joined', mode: 'append' },
        },
        { id: 'check_a', kind: 'dq', input: 'raw_a', checks: [{ type: 'not_null', column: 'k' }, { type: 'unique', column: 'k', severity: 'warn' }] },
      ],
    }),
    'json',
  );
  if (!result.valid) throw new Error(JSON.stringify(result.errors));
  return result.pipeline;
}

const byId = (p: Pipeline, id: string) => p.steps.find((step) => step.id === id) as Pipeline['steps'][number];

describe('DAG', () => {
  it('orders every step after its dependencies, declaration order breaking ties', async () => {
    expect(topologicalOrder(await pipeline())).toEqual(['raw_b', 'raw_a', 'check_b', 'check_a', 'joined', 'report']);
  });

  it('gives the same order every time', async () => {
    const p = await pipeline();
    expect(new Set(Array.from({ length: 5 }, () => topologicalOrder(p).join()))).toEqual(new Set([topologicalOrder(p).join()]));
  });

  it('lists dependencies from input, inputs, refs and dependsOn without duplicates', async () => {
    const p = await pipeline();
    expect(dependenciesOf(byId(p, 'joined'))).toEqual(['raw_a', 'raw_b', 'check_a']);
    expect(dependenciesOf(byId(p, 'check_a'))).toEqual(['raw_a']);
    expect(dependenciesOf(byId(p, 'raw_a'))).toEqual([]);
  });

  it('counts a ref() as a dependency even when the SQL is the only place naming it', () => {
    const step = { id: 't', kind: 'transform' as const, inputs: ['a'], sql: "select * from {{ ref('b') }}", output: { table: 't', mode: 'replace' as const } };
    expect(dependenciesOf(step)).toEqual(['a', 'b']);
  });

  it('refuses to order a pipeline with a cycle, which parsePipeline would have refused', () => {
    const cyclic = {
      steps: [
        { id: 'a', kind: 'dq' as const, input: 'b', checks: [], dependsOn: [] },
        { id: 'b', kind: 'dq' as const, input: 'a', checks: [], dependsOn: [] },
      ],
    };
    expect(() => topologicalOrder(cyclic)).toThrow(PipelineSpecUsageError);
  });

  describe('readySteps', () => {
    it('starts with the steps that depend on nothing', async () => {
      expect(readySteps(await pipeline(), new Set(), new Set(), new Set())).toEqual({
        ready: ['raw_b', 'raw_a'],
        blocked: [],
        waiting: ['check_b', 'check_a', 'joined', 'report'],
        finished: false,
      });
    });

    it('makes a step ready only when every dependency is done', async () => {
      const p = await pipeline();
      const state = readySteps(p, new Set(['raw_a', 'raw_b', 'check_b']), new Set(['check_a']), new Set());
      expect(state).toMatchObject({ ready: [], waiting: ['joined', 'report'], finished: false });
      expect(readySteps(p, new Set(['raw_a', 'raw_b', 'check_b', 'check_a']), new Set(), new Set()).ready).toEqual(['joined']);
    });

    it('blocks every dependent, transitively, of a dq step whose error check failed', async () => {
      const state = readySteps(await pipeline(), new Set(['raw_a', 'raw_b', 'check_b']), new Set(), new Set(['check_a']));
      expect(state).toEqual({
        ready: [],
        blocked: [
          { id: 'joined', blockedBy: 'check_a', reason: 'check_failed' },
          { id: 'report', blockedBy: 'check_a', reason: 'check_failed' },
        ],
        waiting: [],
        finished: true,
      });
    });

    it('blocks dependents of any failed step, and keeps running independent branches', async () => {
      const state = readySteps(await pipeline(), new Set(['raw_b']), new Set(), new Set(['raw_a']));
      expect(state).toEqual({
        ready: ['check_b'],
        blocked: [
          { id: 'check_a', blockedBy: 'raw_a', reason: 'upstream_failed' },
          { id: 'joined', blockedBy: 'raw_a', reason: 'upstream_failed' },
          { id: 'report', blockedBy: 'raw_a', reason: 'upstream_failed' },
        ],
        waiting: [],
        finished: false,
      });
    });

    it('is finished when everything is done', async () => {
      const p = await pipeline();
      const all = new Set(p.steps.map((step) => step.id));
      expect(readySteps(p, all, new Set(), new Set())).toEqual({ ready: [], blocked: [], waiting: [], finished: true });
    });

    it('is not finished while a step is still running', async () => {
      const p = await pipeline();
      const done = new Set(p.steps.map((step) => step.id).filter((id) => id !== 'report'));
      expect(readySteps(p, done, new Set(['report']), new Set()).finished).toBe(false);
    });

    it('refuses unknown step ids in the sets', async () => {
      const p = await pipeline();
      expect(() => readySteps(p, new Set(['nope']), new Set(), new Set())).toThrow(PipelineSpecUsageError);
    });
  });

  describe('dqStepOutcome', () => {
    it('fails on a failed error check and only warns on failed warn checks', async () => {
      const p = await pipeline();
      const checkA = byId(p, 'check_a');
      if (checkA.kind !== 'dq') throw new Error('check_a is a dq step');
      expect(dqStepOutcome(checkA, [])).toBe('passed');
      expect(dqStepOutcome(checkA, [1])).toBe('warned');
      expect(dqStepOutcome(checkA, [1, 0])).toBe('failed');
      expect(() => dqStepOutcome(checkA, [7])).toThrow(PipelineSpecUsageError);
    });
  });
});
