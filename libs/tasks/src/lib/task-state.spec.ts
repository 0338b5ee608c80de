import { applyTaskEvent, canTransition, isTerminal, statesLeadingTo, TASK_STATUSES } from './task-state';

describe('task state machine', () => {
  it('allows only the documented transitions', () => {
    expect(canTransition('QUEUED', 'RUNNING')).toBe(true);
    expect(canTransition('RUNNING', 'SUCCEEDED')).toBe(true);
    expect(canTransition('INTERRUPTED', 'RUNNING')).toBe(true);
    expect(canTransition('QUEUED', 'SUCCEEDED')).toBe(false);
    expect(canTransition('SUCCEEDED', 'RUNNING')).toBe(false);
    expect(canTransition('CANCELLED', 'FAILED')).toBe(false);
  });

  it('has exactly three terminal states', () => {
    expect(TASK_STATUSES.filter(isTerminal)).toEqual(['SUCCEEDED', 'FAILED', 'CANCELLED']);
  });

  it('lists the states that may lead to a target', () => {
    expect(statesLeadingTo('RUNNING').sort()).toEqual(['INTERRUPTED', 'QUEUED']);
    expect(statesLeadingTo('QUEUED')).toEqual([]);
  });

  it('starts, progresses and finishes a task', () => {
    expect(applyTaskEvent('QUEUED', 'started')).toEqual({ next: 'RUNNING', changed: true, progress: true });
    expect(applyTaskEvent('RUNNING', 'progress')).toEqual({ next: 'RUNNING', changed: false, progress: true });
    expect(applyTaskEvent('RUNNING', 'succeeded')).toEqual({ next: 'SUCCEEDED', changed: true, progress: true });
  });

  it('ignores a redelivered start and any event after the end', () => {
    expect(applyTaskEvent('RUNNING', 'started')).toEqual({ next: 'RUNNING', changed: false, progress: false });
    expect(applyTaskEvent('SUCCEEDED', 'failed')).toEqual({ next: 'SUCCEEDED', changed: false, progress: false });
    expect(applyTaskEvent('CANCELLED', 'progress')).toEqual({ next: 'CANCELLED', changed: false, progress: false });
  });

  it('never lets a queued task succeed without starting', () => {
    expect(applyTaskEvent('QUEUED', 'succeeded').changed).toBe(false);
  });
});
