import type { CheckResult, StepEventMessage } from '@sluice/contracts';
import { stepEventOutcome, type StepState } from './step-state';

const RUN = '11111111-1111-4111-8111-111111111111';
const TENANT = '22222222-2222-4222-8222-222222222222';
const at = '2026-03-01T12:00:00.000Z';
const policy = { retries: 2 };

const step = (extra: Partial<StepState> = {}): StepState => ({
  stepId: 'load',
  kind: 'ingest',
  status: 'QUEUED',
  attempt: 1,
  error: null,
  rowsIn: null,
  rowsOut: null,
  checks: null,
  output: null,
  dispatchedAt: new Date(at),
  startedAt: null,
  finishedAt: null,
  ...extra,
});
const event = (type: StepEventMessage['type'], extra: Partial<StepEventMessage> = {}): StepEventMessage => ({ runId: RUN, stepId: 'load', tenantId: TENANT, type, at, attempt: 1, ...extra });
const check = (name: string, severity: 'error' | 'warn', passed: boolean): CheckResult => ({ name, type: 'not_null', severity, passed, failingCount: passed ? 0 : 3, checkedCount: 10, examples: [] });

describe('stepEventOutcome', () => {
  it('moves a queued step to RUNNING on started, once', () => {
    expect(stepEventOutcome(step(), event('started'), policy)).toEqual({ status: 'RUNNING', startedAt: new Date(at) });
    expect(stepEventOutcome(step({ status: 'RUNNING' }), event('started'), policy)).toBeUndefined();
  });

  it('records counts and output on success, also when started was never seen', () => {
    const output = { schema: 't_22222222222242228222222222222222', table: 'stg__movies__load' };
    expect(stepEventOutcome(step(), event('succeeded', { rowsIn: 10, rowsOut: 9, output }), policy)).toEqual({
      status: 'SUCCEEDED',
      error: null,
      finishedAt: new Date(at),
      rowsIn: 10,
      rowsOut: 9,
      output,
    });
  });

  it('ignores events of another attempt and events for steps no longer in flight', () => {
    expect(stepEventOutcome(step({ attempt: 2 }), event('succeeded', { attempt: 1 }), policy)).toBeUndefined();
    for (const status of ['PENDING', 'SUCCEEDED', 'FAILED', 'SKIPPED', 'CANCELLED'] as const) {
      expect(stepEventOutcome(step({ status }), event('succeeded'), policy)).toBeUndefined();
    }
  });

  it('sends a failed attempt back to PENDING while retries are left, then fails the step', () => {
    expect(stepEventOutcome(step({ attempt: 2, status: 'RUNNING' }), event('failed', { attempt: 2, error: 'no such file' }), policy)).toEqual({
      status: 'PENDING',
      error: 'no such file',
      finishedAt: new Date(at),
    });
    expect(stepEventOutcome(step({ attempt: 3, status: 'RUNNING' }), event('failed', { attempt: 3, error: 'no such file' }), policy)).toMatchObject({ status: 'FAILED', error: 'no such file' });
  });

  it('fails a dq step with a failed error-severity check at once, without a retry, keeping the results', () => {
    const checks = [check('not_null:title', 'error', false), check('unique:title', 'warn', false)];
    expect(stepEventOutcome(step(), event('succeeded', { checks }), policy)).toEqual({
      status: 'FAILED',
      error: '1 error-severity check failed: not_null:title',
      finishedAt: new Date(at),
      checks,
    });
    expect(stepEventOutcome(step(), event('failed', { checks, error: 'checks failed' }), policy)).toMatchObject({ status: 'FAILED', checks });
  });

  it('lets a dq step whose only failed checks are warnings succeed', () => {
    const checks = [check('not_null:title', 'error', true), check('unique:title', 'warn', false)];
    expect(stepEventOutcome(step(), event('succeeded', { checks, rowsIn: 10 }), policy)).toMatchObject({ status: 'SUCCEEDED', checks, rowsIn: 10 });
  });
});
