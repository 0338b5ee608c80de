import { InvalidArgumentError } from '@sluice/contracts';
import { definitionText } from './pipeline-body';
import { toRunView } from './run-view';

describe('definitionText', () => {
  it('passes YAML text as it came and re-serialises a JSON body', () => {
    expect(definitionText('name: x\n', 'application/yaml')).toEqual({ text: 'name: x\n', contentType: 'yaml' });
    expect(definitionText({ name: 'x', steps: [] }, 'application/json; charset=utf-8')).toEqual({ text: '{"name":"x","steps":[]}', contentType: 'json' });
    expect(definitionText('"a string"', 'application/json')).toEqual({ text: '"\\"a string\\""', contentType: 'json' });
  });

  it('refuses a missing or blank body naming the body', () => {
    for (const body of [undefined, null, '  \n']) {
      expect(() => definitionText(body, 'application/yaml')).toThrow(InvalidArgumentError);
    }
    try {
      definitionText(undefined, undefined);
    } catch (error) {
      expect((error as InvalidArgumentError).violations.map((v) => v.path)).toEqual(['(body)']);
    }
  });
});

describe('toRunView', () => {
  it('shows statuses without their enum prefix, counts as numbers or null, and steps only when asked', () => {
    const run = {
      id: 'r',
      pipeline: 'movies',
      version: 2,
      status: 'RUN_STATUS_RUNNING',
      params: undefined,
      createdBy: '',
      error: '',
      createdAt: { seconds: '1772366400', nanos: 0 },
      startedAt: undefined,
      finishedAt: undefined,
      steps: [{ id: 'load', kind: 'ingest', status: 'STEP_STATUS_SUCCEEDED', attempt: 1, rowsIn: '10', error: '', checks: [], output: undefined, dispatchedAt: undefined, startedAt: undefined, finishedAt: undefined }],
    } as unknown as Parameters<typeof toRunView>[0];
    const view = toRunView(run);
    expect(view).toMatchObject({ status: 'RUNNING', createdBy: null, params: null, createdAt: '2026-03-01T12:00:00.000Z' });
    expect(view.steps).toEqual([{ id: 'load', kind: 'ingest', status: 'SUCCEEDED', attempt: 1, rowsIn: 10, rowsOut: null, startedAt: null, finishedAt: null }]);
    expect(toRunView(run, false)).not.toHaveProperty('steps');
  });
});
