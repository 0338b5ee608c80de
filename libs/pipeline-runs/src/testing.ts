// Test fixtures for other projects: `@sluice/pipeline-runs/testing`. Never imported by production code.
import { PipelineStepJobMessage, SUBJECTS, type CheckResult, type StepEventMessage, type StepEventType } from '@sluice/contracts';
import { JetStreamPublisher, startConsumer, type NatsConnection, type Topology } from '@sluice/messaging';

/** What the scripted worker does with one job: report success or failure, or report nothing at all. */
export type ScriptedOutcome =
  | ({ readonly type: 'succeeded' } & Pick<StepEventMessage, 'rowsIn' | 'rowsOut' | 'checks' | 'output'>)
  | ({ readonly type: 'failed' } & Pick<StepEventMessage, 'error' | 'checks'>)
  | { readonly type: 'silent' };

export interface ScriptedStepWorker {
  /** every job received, in order */
  readonly jobs: PipelineStepJobMessage[];
  stop(): Promise<void>;
}

/**
 * A stand-in for the ingest, dq and transform workers on a test's own topology: it consumes
 * `jobs.pipeline.>`, reports `started`, waits for `decide` (which may hold a step open until the
 * signal aborts), then reports the outcome on `events.step.*` like the real workers do.
 */
export async function startScriptedStepWorker(
  nc: NatsConnection,
  topology: Topology,
  decide: (job: PipelineStepJobMessage, signal: AbortSignal) => ScriptedOutcome | Promise<ScriptedOutcome>,
): Promise<ScriptedStepWorker> {
  const publisher = new JetStreamPublisher(nc);
  const jobs: PipelineStepJobMessage[] = [];
  const emit = (job: PipelineStepJobMessage, type: StepEventType, extra: Partial<StepEventMessage> = {}) => {
    const event: StepEventMessage = { runId: job.runId, stepId: job.stepId, tenantId: job.tenantId, attempt: job.attempt, type, at: new Date().toISOString(), ...extra };
    return publisher.publish(topology.subject(SUBJECTS.stepEvent(job.runId, job.stepId, type)), event, { msgId: `${job.runId}:${job.stepId}:${job.attempt}:${type}` });
  };
  const consumer = await startConsumer<PipelineStepJobMessage>(nc, {
    topology,
    stream: topology.jobs.name,
    durable: 'scripted-step-worker',
    filterSubject: topology.subject('jobs.pipeline.>'),
    schema: PipelineStepJobMessage,
    concurrency: 8,
    stopTimeoutMs: 500,
    handler: async (job, ctx) => {
      jobs.push(job);
      await emit(job, 'started');
      const outcome = await decide(job, ctx.signal);
      if (ctx.signal.aborted || outcome.type === 'silent') return;
      const { type, ...extra } = outcome;
      await emit(job, type, extra);
    },
  });
  return { jobs, stop: () => consumer.stop() };
}

/** Resolves when `signal` aborts or `release` is called: a way to hold a scripted step open. */
export function heldOpen(signal: AbortSignal): { readonly done: Promise<void>; release(): void } {
  let release: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    release = resolve;
    signal.addEventListener('abort', () => resolve(), { once: true });
  });
  return { done, release };
}

/**
 * load (ingest) → check (dq, an error-severity not_null check on title) → clean (transform, after
 * check), as YAML with `extra` appended: a pipeline for scripted workers, its output table named after it.
 */
export const loadCheckCleanPipeline = (name: string, extra = ''): string => `
name: ${name}
steps:
  - id: load
    kind: ingest
    source: { type: http, url: "https://example.org/movies.json", format: json }
    columns: [{ name: title, type: text }, { name: rating, type: numeric, nullable: true }]
  - id: check
    kind: dq
    input: load
    checks: [{ type: not_null, column: title, severity: error }]
  - id: clean
    kind: transform
    inputs: [load]
    dependsOn: [check]
    sql: "select title, avg(rating) as rating from {{ ref('load') }} group by title"
    output: { table: ${name.replace(/-/g, '_')}_clean, mode: replace }
${extra}`;

/** What a dq worker reports for that pipeline's check when it passed on `checkedCount` rows. */
export const passedTitleCheck = (checkedCount: number): CheckResult => ({
  name: 'not_null:title',
  type: 'not_null',
  column: 'title',
  severity: 'error',
  passed: true,
  failingCount: 0,
  checkedCount,
  examples: [],
});
