import { runHasEnded } from './run-ended';

describe('runHasEnded', () => {
  it('is true only for runs that succeeded, failed or were cancelled', () => {
    expect(['SUCCEEDED', 'FAILED', 'CANCELLED'].map(runHasEnded)).toEqual([true, true, true]);
    expect(['QUEUED', 'RUNNING', 'INTERRUPTED'].map(runHasEnded)).toEqual([false, false, false]);
  });
});
