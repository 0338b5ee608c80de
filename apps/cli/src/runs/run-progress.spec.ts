import { applyRunEvent, isFinalRunStatus, runProgressFromView, type RunProgress } from './run-progress';

const RUN = '0b7e2a52-7f5c-4a3e-9b43-0c6f4d3f2a11';
const T0 = Date.parse('2025-06-01T12:00:00Z');
const at = (ms: number) => new Date(T0 + ms).toISOString();

const view = {
  id: RUN,
  pipeline: 'movies',
  version: 3,
  status: 'QUEUED',
  steps: [
    { id: 'load', kind: 'ingest', status: 'PENDING', rowsIn: null, rowsOut: null, startedAt: null, finishedAt: null },
    { id: 'clean', kind: 'transform', status: 'PENDING' },
  ],
};

describe('run progress', () => {
  it('reads GET /v1/runs/{id}, keeping the step order', () => {
    const run = runProgressFromView({ ...view, extra: 'ignored' });
    expect(run).toEqual({
      id: RUN,
      pipeline: 'movies',
      version: 3,
      status: 'QUEUED',
      steps: [
        { id: 'load', kind: 'ingest', status: 'PENDING' },
        { id: 'clean', kind: 'transform', status: 'PENDING' },
      ],
    });
  });

  it('follows run and step events to the final status, with step times and rows', () => {
    let run: RunProgress = runProgressFromView(view);
    const events = [
      { type: 'started', data: { runId: RUN, type: 'started', status: 'RUNNING', at: at(0) } },
      { type: 'step', data: { runId: RUN, type: 'step', status: 'RUNNING', at: at(100), step: { id: 'load', status: 'RUNNING' } } },
      { type: 'step', data: { runId: RUN, type: 'step', status: 'RUNNING', at: at(1_600), step: { id: 'load', status: 'SUCCEEDED', rowsIn: 1000, rowsOut: 998 } } },
      { type: 'step', data: { runId: RUN, type: 'step', status: 'RUNNING', at: at(1_700), step: { id: 'clean', status: 'RUNNING' } } },
      { type: 'step', data: { runId: RUN, type: 'step', status: 'RUNNING', at: at(2_000), step: { id: 'clean', status: 'FAILED', error: 'column "x" does not exist' } } },
      { type: 'failed', data: { runId: RUN, type: 'failed', status: 'FAILED', at: at(2_100), error: 'step clean failed' } },
    ];
    for (const event of events) run = applyRunEvent(run, event, 0);
    expect(run.status).toBe('FAILED');
    expect(run.error).toBe('step clean failed');
    expect(run.startedAt).toBe(T0);
    expect(run.finishedAt).toBe(T0 + 2_100);
    expect(run.steps).toEqual([
      { id: 'load', kind: 'ingest', status: 'SUCCEEDED', rowsIn: 1000, rowsOut: 998, startedAt: T0 + 100, finishedAt: T0 + 1_600 },
      { id: 'clean', kind: 'transform', status: 'FAILED', error: 'column "x" does not exist', startedAt: T0 + 1_700, finishedAt: T0 + 2_000 },
    ]);
    expect(isFinalRunStatus(run.status)).toBe(true);
  });

  it('adds a step it did not know, and takes a whole-run snapshot event as the new state', () => {
    let run = runProgressFromView({ ...view, steps: [] });
    run = applyRunEvent(run, { type: 'step', data: { status: 'RUNNING', step: { id: 'load', status: 'QUEUED' } } }, T0);
    expect(run.steps).toEqual([{ id: 'load', status: 'QUEUED' }]);
    run = applyRunEvent(run, { type: 'run', data: { ...view, status: 'RUNNING', steps: [{ id: 'load', status: 'RUNNING', startedAt: at(5) }] } }, T0);
    expect(run.steps).toEqual([{ id: 'load', status: 'RUNNING', startedAt: T0 + 5 }]);
    expect(run.status).toBe('RUNNING');
  });

  it('takes the status from the event type when the data has none, and uses the receive time without `at`', () => {
    const run = applyRunEvent(runProgressFromView(view), { type: 'started', data: {} }, T0 + 42);
    expect(run).toMatchObject({ status: 'RUNNING', startedAt: T0 + 42 });
  });

  it('does not treat INTERRUPTED as final: another replica resumes the run', () => {
    let run = applyRunEvent(runProgressFromView(view), { type: 'interrupted', data: { status: 'INTERRUPTED' } }, T0);
    expect(isFinalRunStatus(run.status)).toBe(false);
    run = applyRunEvent(run, { type: 'resumed', data: { status: 'RUNNING' } }, T0);
    expect(run.status).toBe('RUNNING');
  });

  it('ignores events it cannot read', () => {
    const run = runProgressFromView(view);
    expect(applyRunEvent(run, { type: 'step', data: 'text' }, T0)).toBe(run);
    expect(applyRunEvent(run, { type: 'step', data: { step: { id: 5 } } }, T0)).toBe(run);
  });
});

describe('run progress timing', () => {
  it('shows no duration for a run or step first seen already RUNNING, rather than a wrong one', () => {
    let run = runProgressFromView({ id: RUN, status: 'RUNNING', steps: [{ id: 'load', status: 'RUNNING' }] });
    run = applyRunEvent(run, { type: 'step', data: { status: 'RUNNING', at: at(500), step: { id: 'load', status: 'RUNNING' } } }, 0);
    run = applyRunEvent(run, { type: 'failed', data: { status: 'FAILED', at: at(900), step: { id: 'load', status: 'FAILED' } } }, 0);
    expect(run.startedAt).toBeUndefined();
    expect(run.steps[0].startedAt).toBeUndefined();
    expect(run.finishedAt).toBe(T0 + 900);
  });
});
