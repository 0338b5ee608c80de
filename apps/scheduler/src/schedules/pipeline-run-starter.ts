import type { Caller } from '@sluice/tasks';

export interface StartPipelineRun {
  readonly pipeline: string;
  readonly params: Record<string, unknown> | undefined;
  /** the run's id, derived from (schedule, fire time): a second start of one firing is the same request */
  readonly runId: string;
}

/**
 * The orchestrator's runs API as the scheduler uses it (OrchestratorRunsClient). Failures are
 * SluiceErrors with the orchestrator's code: ALREADY_EXISTS when another run of the pipeline is
 * active, NOT_FOUND when the tenant has no such pipeline, UNAVAILABLE when it cannot be reached.
 */
export interface PipelineRunStarter {
  /** Starts a run as `caller`; for a run id the orchestrator already has, answers with that run and starts nothing. */
  startRun(caller: Caller, request: StartPipelineRun): Promise<{ runId: string; status: string }>;
  /** Whether the caller's tenant has a pipeline of this name. */
  hasPipeline(caller: Caller, name: string): Promise<boolean>;
}
