/** The JetStream message id of one firing: the same schedule and fire time never publish twice. */
export const scheduleMessageId = (scheduleId: string, fireAt: Date) => `schedule:${scheduleId}:${fireAt.toISOString()}`;
