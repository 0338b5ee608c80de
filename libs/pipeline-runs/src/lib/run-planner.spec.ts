import type { Pipeline } from '@sluice/pipeline-spec';
import { planRun } from './run-planner';
import { DEFAULT_RUN_POLICY, type RunPolicy } from './run-policy';
import type { StepStatus } from './run-status';
import type { StepState } from './step-state';

const policy: RunPolicy = { ...DEFAULT_RUN_POLICY, concurrency: 2, retries: 2, stepTimeoutMs: 10_000, retryBackoffMs: 1_000 };
const now = new Date('2026-03-01T12:00:00Z');
const ago = (ms: number) => new Date(now.getTime() - ms);

const columns = [{ name: 'title', type: 'text', nullable: false }];
/** a, b ingest; check (dq, error check) reads a; clean reads a and b after check; side reads b */
const pipeline = {
  name: 'movies',
  steps: [
    { id: 'a', kind: 'ingest', source: { type: 'http', url: 'https://example.org/a.json', format: 'json' }, columns },
    { id: 'b', kind: 'ingest', source: { type: 'http', url: 'https://example.org/b.json', format: 'json' }, columns },
    { id: 'check', kind: 'dq', input: 'a', checks: [{ type: 'not_null', column: 'title', severity: 'error' }] },
    { id: 'clean', kind: 'transform', inputs: ['a', 'b'], dependsOn: ['check'], sql: "select * from {{ ref('a') }}", output: { table: 'clean', mode: 'replace' } },
    { id: 'side', kind: 'transform', inputs: ['b'], sql: "select * from {{ ref('b') }}", output: { table: 'side', mode: 'replace' } },
  ],
} as unknown as Pipeline;

const step = (stepId: string, status: StepStatus, extra: Partial<StepState> = {}): StepState => ({
  stepId,
  kind: 'ingest',
  status,
  attempt: status === 'PENDING' ? 0 : 1,
  error: null,
  rowsIn: null,
  rowsOut: null,
  checks: null,
  output: null,
  dispatchedAt: status === 'PENDING' ? null : ago(1_000),
  startedAt: null,
  finishedAt: null,
  ...extra,
});

const states = (overrides: Record<string, StepState> = {}) =>
  ['a', 'b', 'check', 'clean', 'side'].map((id) => overrides[id] ?? step(id, 'PENDING'));

describe('planRun', () => {
  it('starts a queued run and dispatches the steps without dependencies, first attempt', () => {
    expect(planRun(pipeline, { status: 'QUEUED', steps: states() }, now, policy)).toEqual([
      { type: 'start' },
      { type: 'dispatch', stepId: 'a', attempt: 1 },
      { type: 'dispatch', stepId: 'b', attempt: 1 },
    ]);
  });

  it('never has more steps in flight than the concurrency limit', () => {
    const actions = planRun(pipeline, { status: 'RUNNING', steps: states({ a: step('a', 'SUCCEEDED'), b: step('b', 'RUNNING') }) }, now, policy);
    expect(actions).toEqual([{ type: 'dispatch', stepId: 'check', attempt: 1 }]);
    const full = planRun(pipeline, { status: 'RUNNING', steps: states({ a: step('a', 'SUCCEEDED'), b: step('b', 'SUCCEEDED'), check: step('check', 'QUEUED'), side: step('side', 'RUNNING') }) }, now, policy);
    expect(full).toEqual([]);
  });

  it('waits for every dependency, dependsOn included', () => {
    const actions = planRun(pipeline, { status: 'RUNNING', steps: states({ a: step('a', 'SUCCEEDED'), b: step('b', 'SUCCEEDED'), check: step('check', 'RUNNING'), side: step('side', 'SUCCEEDED') }) }, now, policy);
    expect(actions).toEqual([]);
  });

  it('skips every step below a failed check, keeps the independent branch going, and fails the run at the end', () => {
    const steps = states({ a: step('a', 'SUCCEEDED'), b: step('b', 'SUCCEEDED'), check: step('check', 'FAILED') });
    expect(planRun(pipeline, { status: 'RUNNING', steps }, now, policy)).toEqual([
      { type: 'skip', stepId: 'clean', error: 'skipped: a check of step check failed' },
      { type: 'dispatch', stepId: 'side', attempt: 1 },
    ]);
    const later = states({ a: step('a', 'SUCCEEDED'), b: step('b', 'SUCCEEDED'), check: step('check', 'FAILED'), clean: step('clean', 'SKIPPED'), side: step('side', 'SUCCEEDED') });
    expect(planRun(pipeline, { status: 'RUNNING', steps: later }, now, policy)).toEqual([{ type: 'finish', status: 'FAILED', error: 'step failed: check' }]);
  });

  it('succeeds the run when every step succeeded', () => {
    const all = Object.fromEntries(['a', 'b', 'check', 'clean', 'side'].map((id) => [id, step(id, 'SUCCEEDED')]));
    expect(planRun(pipeline, { status: 'RUNNING', steps: states(all) }, now, policy)).toEqual([{ type: 'finish', status: 'SUCCEEDED', error: null }]);
  });

  it('retries a step that went silent past its timeout with the next attempt, and fails it when no retry is left', () => {
    const silent = step('a', 'RUNNING', { attempt: 1, dispatchedAt: ago(10_000) });
    expect(planRun(pipeline, { status: 'RUNNING', steps: states({ a: silent, b: step('b', 'RUNNING') }) }, now, policy)).toEqual([
      { type: 'timeout', stepId: 'a', attempt: 1, next: 'PENDING', error: 'attempt 1 sent no result within 10000 ms' },
    ]);
    const last = step('a', 'QUEUED', { attempt: 3, dispatchedAt: ago(60_000) });
    const actions = planRun(pipeline, { status: 'RUNNING', steps: states({ a: last, b: step('b', 'SUCCEEDED'), side: step('side', 'SUCCEEDED') }) }, now, policy);
    expect(actions).toEqual([
      { type: 'timeout', stepId: 'a', attempt: 3, next: 'FAILED', error: 'attempt 3 sent no result within 10000 ms' },
      { type: 'skip', stepId: 'check', error: 'skipped: step a failed' },
      { type: 'skip', stepId: 'clean', error: 'skipped: step a failed' },
      { type: 'finish', status: 'FAILED', error: 'step failed: a' },
    ]);
  });

  it('dispatches a retry only after its backoff, doubling with each attempt', () => {
    const failedAt = (attempt: number, msAgo: number) => step('a', 'PENDING', { attempt, error: 'boom', finishedAt: ago(msAgo), dispatchedAt: ago(msAgo + 5) });
    const others = { b: step('b', 'SUCCEEDED'), side: step('side', 'SUCCEEDED') };
    expect(planRun(pipeline, { status: 'RUNNING', steps: states({ a: failedAt(1, 999), ...others }) }, now, policy)).toEqual([]);
    expect(planRun(pipeline, { status: 'RUNNING', steps: states({ a: failedAt(1, 1_000), ...others }) }, now, policy)).toEqual([{ type: 'dispatch', stepId: 'a', attempt: 2 }]);
    expect(planRun(pipeline, { status: 'RUNNING', steps: states({ a: failedAt(2, 1_999), ...others }) }, now, policy)).toEqual([]);
    expect(planRun(pipeline, { status: 'RUNNING', steps: states({ a: failedAt(2, 2_000), ...others }) }, now, policy)).toEqual([{ type: 'dispatch', stepId: 'a', attempt: 3 }]);
  });

  it('re-dispatches a resumed step (PENDING with an attempt, no failure time) at once with the next attempt', () => {
    const resumed = step('a', 'PENDING', { attempt: 1, dispatchedAt: ago(5_000) });
    expect(planRun(pipeline, { status: 'RUNNING', steps: states({ a: resumed, b: step('b', 'SUCCEEDED'), side: step('side', 'SUCCEEDED') }) }, now, policy)).toEqual([
      { type: 'dispatch', stepId: 'a', attempt: 2 },
    ]);
  });

  it('plans nothing for a run that is not running', () => {
    for (const status of ['SUCCEEDED', 'FAILED', 'CANCELLED', 'INTERRUPTED'] as const) {
      expect(planRun(pipeline, { status, steps: states() }, now, policy)).toEqual([]);
    }
  });
});
