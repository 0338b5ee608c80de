export const RUN_STATUSES = ['QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED', 'INTERRUPTED'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export const STEP_STATUSES = ['PENDING', 'QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'SKIPPED', 'CANCELLED'] as const;
export type StepStatus = (typeof STEP_STATUSES)[number];

/** Runs that still hold their pipeline: at most one per (tenant, pipeline). INTERRUPTED ones wait to be resumed. */
export const ACTIVE_RUN_STATUSES: readonly RunStatus[] = ['QUEUED', 'RUNNING', 'INTERRUPTED'];
/** Runs an owner may advance (dispatch, time out, finish). */
export const DRIVABLE_RUN_STATUSES: readonly RunStatus[] = ['QUEUED', 'RUNNING'];
/** Steps handed to a worker whose outcome is not known yet. */
export const IN_FLIGHT_STEP_STATUSES: readonly StepStatus[] = ['QUEUED', 'RUNNING'];
/** Steps that can still change in a run that is cancelled. */
export const UNFINISHED_STEP_STATUSES: readonly StepStatus[] = ['PENDING', 'QUEUED', 'RUNNING'];

export const isActiveRun = (status: RunStatus): boolean => ACTIVE_RUN_STATUSES.includes(status);
export const isFinishedRun = (status: RunStatus): boolean => !isActiveRun(status);
export const isInFlight = (status: StepStatus): boolean => IN_FLIGHT_STEP_STATUSES.includes(status);
