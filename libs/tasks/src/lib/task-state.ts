import type { TaskEventType } from '@sluice/contracts';

export const TASK_STATUSES = ['QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED', 'INTERRUPTED'] as const;
export type TaskState = (typeof TASK_STATUSES)[number];

const LEGAL: Readonly<Record<TaskState, readonly TaskState[]>> = {
  QUEUED: ['RUNNING', 'FAILED', 'CANCELLED'],
  RUNNING: ['SUCCEEDED', 'FAILED', 'CANCELLED', 'INTERRUPTED'],
  INTERRUPTED: ['RUNNING', 'FAILED', 'CANCELLED'],
  SUCCEEDED: [],
  FAILED: [],
  CANCELLED: [],
};

export const isTerminal = (state: TaskState) => LEGAL[state].length === 0;

export const canTransition = (from: TaskState, to: TaskState) => LEGAL[from].includes(to);

/** The states from which `to` may be reached (for conditional updates). */
export const statesLeadingTo = (to: TaskState): TaskState[] => TASK_STATUSES.filter((s) => LEGAL[s].includes(to));

const TARGET_OF_EVENT: Readonly<Record<TaskEventType, TaskState | undefined>> = {
  started: 'RUNNING',
  progress: undefined,
  succeeded: 'SUCCEEDED',
  failed: 'FAILED',
  cancelled: 'CANCELLED',
};

/**
 * What a worker's event does to a task in `current` state: move it, only update its progress,
 * or nothing (a redelivered or late event). Never an illegal transition.
 */
export function applyTaskEvent(current: TaskState, event: TaskEventType): { next: TaskState; changed: boolean; progress: boolean } {
  const target = TARGET_OF_EVENT[event];
  const live = current === 'RUNNING' || (current === 'QUEUED' && event === 'progress');
  if (!target) return { next: current, changed: false, progress: live };
  if (canTransition(current, target)) return { next: target, changed: true, progress: true };
  return { next: current, changed: false, progress: false };
}
