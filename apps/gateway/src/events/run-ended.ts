const ENDED = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);

/** Whether nothing more will happen to a run (INTERRUPTED is not the end: another orchestrator resumes it). */
export const runHasEnded = (status: string) => ENDED.has(status);
