import type { PipelineStepJobMessage } from '@sluice/contracts';
import { DqJobError, dqStepInput } from './dq-job';

const table = { schema: 't_0123456789abcdef0123456789abcdef', table: 'stg__movies__load' };
const job = (step: Record<string, unknown>, tables: PipelineStepJobMessage['tables'] = { load: table }): PipelineStepJobMessage => ({
  runId: '0b8f3c2e-4a8b-4e1a-9c55-2f0d6b1e7a10',
  stepId: 'check',
  tenantId: '0b8f3c2e-4a8b-4e1a-9c55-2f0d6b1e7a11',
  pipeline: 'movies',
  version: 1,
  attempt: 1,
  step,
  tables,
});

describe('dqStepInput', () => {
  it('gives the parsed step (defaults filled in) and its input table', () => {
    const input = dqStepInput(job({ id: 'check', kind: 'dq', input: 'load', checks: [{ type: 'not_null', column: 'title' }] }));
    expect(input).toEqual({ runId: expect.any(String), table, step: expect.objectContaining({ checks: [{ type: 'not_null', column: 'title', severity: 'error' }] }) });
  });

  it('refuses a step that is not a valid dq step, naming the field', () => {
    expect(() => dqStepInput(job({ id: 'check', kind: 'dq', input: 'load', checks: [{ type: 'nope' }] }))).toThrow(DqJobError);
    expect(() => dqStepInput(job({ id: 'check', kind: 'dq', input: 'load', checks: [{ type: 'range', column: 'x' }] }))).toThrow(/checks\.0\.min/);
  });

  it('refuses a job without a table for the step\'s input', () => {
    expect(() => dqStepInput(job({ id: 'check', kind: 'dq', input: 'load', checks: [{ type: 'row_count', min: 1 }] }, {}))).toThrow(/no table for the input step load/);
  });
});
