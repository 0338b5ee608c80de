export { ScheduleTiming, ScheduleTarget, ScheduleDefinition, SchedulePatch, applySchedulePatch, isKnownTimeZone } from './lib/schedule-spec';
export { nextFireTimes, dueFire, MISSED_AFTER_MS } from './lib/fire-times';
export type { DueFire } from './lib/fire-times';
export { scheduleMessageId } from './lib/message-id';
export { scheduledTaskId, scheduledRunId } from './lib/firing-ids';
