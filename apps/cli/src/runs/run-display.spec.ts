import { BufferOutput } from '../testing';
import { formatRunEventLine, formatRunSummary, formatStepLine, runDisplayFor } from './run-display';
import type { RunProgress } from './run-progress';

const T0 = Date.parse('2025-06-01T12:00:00Z');
const run: RunProgress = {
  id: 'run-1',
  pipeline: 'movies',
  version: 3,
  status: 'RUNNING',
  startedAt: T0,
  steps: [
    { id: 'load', status: 'SUCCEEDED', rowsIn: 1000, rowsOut: 998, startedAt: T0, finishedAt: T0 + 1_200 },
    { id: 'clean_up', status: 'RUNNING', startedAt: T0 + 1_300 },
    { id: 'check', status: 'PENDING' },
  ],
};

describe('run display', () => {
  it('formats a step with its status, rows and duration', () => {
    expect(formatStepLine(run.steps[0], 8, T0 + 5_000)).toBe('  load      SUCCEEDED  rows 1000 → 998  1.2s');
    expect(formatStepLine(run.steps[1], 8, T0 + 5_000)).toBe('  clean_up  RUNNING    3.7s');
    expect(formatStepLine(run.steps[2], 8, T0 + 5_000)).toBe('  check     PENDING');
  });

  it('sums up a failed run with its failed steps, and strips control characters from server text', () => {
    const failed: RunProgress = { ...run, status: 'FAILED', finishedAt: T0 + 65_000, steps: [{ id: 'clean', status: 'FAILED' }] };
    expect(formatRunSummary(failed)).toBe('run run-1 FAILED in 1m05s: failed steps clean');
    expect(formatRunSummary({ ...failed, error: 'bad\u001b]0;owned\u0007' })).toBe('run run-1 FAILED in 1m05s: bad ]0;owned ');
  });

  it('writes one line per event when the output is not a terminal', () => {
    const out = new BufferOutput(false);
    const display = runDisplayFor(out, () => T0);
    display.update(run);
    display.update(run, { type: 'step', data: { at: '2025-06-01T12:00:01.200Z', step: { id: 'load', status: 'SUCCEEDED' } } });
    display.update({ ...run, status: 'SUCCEEDED' }, { type: 'succeeded', data: { at: '2025-06-01T12:00:09Z', status: 'SUCCEEDED' } });
    display.finish({ ...run, status: 'SUCCEEDED', finishedAt: T0 + 9_000 });
    expect(out.lines).toEqual([
      '2025-06-01T12:00:01Z step load  SUCCEEDED  rows 1000 → 998  1.2s',
      '2025-06-01T12:00:09Z run SUCCEEDED',
      'run run-1 SUCCEEDED in 9.0s',
    ]);
    expect(out.text).not.toContain('\u001b');
  });

  it('redraws one block of lines in place on a terminal, cut to its width', () => {
    const out = new BufferOutput(true, 30);
    const display = runDisplayFor(out, () => T0 + 2_000);
    display.update(run);
    const first = out.text;
    expect(first.split('\n')).toHaveLength(5); // header, three steps, and the final newline
    expect(first.split('\n').every((line) => line.length <= 29)).toBe(true);
    display.update({ ...run, status: 'SUCCEEDED' });
    // move to the start of the block (4 lines up) and clear to the end of the screen before redrawing
    expect(out.text.slice(first.length).startsWith('\u001b[4F\u001b[0J')).toBe(true);
  });

  it('formats a run event line from the state after the event', () => {
    expect(formatRunEventLine({ type: 'started', data: { status: 'RUNNING' } }, run, T0)).toBe('2025-06-01T12:00:00Z run RUNNING');
  });
});
