import { z } from 'zod';
import { compact } from '../compact';
import type { StreamEvent } from '../events/event-stream';

export const RUN_STATUSES = ['QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED', 'INTERRUPTED'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
/** INTERRUPTED is not final: another orchestrator replica resumes the run. */
const FINAL_RUN_STATUSES: ReadonlySet<string> = new Set<RunStatus>(['SUCCEEDED', 'FAILED', 'CANCELLED']);
const FINAL_STEP_STATUSES: ReadonlySet<string> = new Set(['SUCCEEDED', 'FAILED', 'SKIPPED', 'CANCELLED']);

export interface StepProgress {
  readonly id: string;
  readonly kind?: string;
  readonly status: string;
  readonly rowsIn?: number;
  readonly rowsOut?: number;
  /** epoch ms */
  readonly startedAt?: number;
  readonly finishedAt?: number;
  readonly error?: string;
}

export interface RunProgress {
  readonly id: string;
  readonly pipeline?: string;
  readonly version?: number;
  readonly status: string;
  readonly steps: readonly StepProgress[];
  readonly error?: string;
  readonly startedAt?: number;
  readonly finishedAt?: number;
}

const count = z.number().int().nonnegative();
const StepView = z.looseObject({
  id: z.string(),
  kind: z.string().optional(),
  status: z.string(),
  rowsIn: count.nullish(),
  rowsOut: count.nullish(),
  startedAt: z.string().nullish(),
  finishedAt: z.string().nullish(),
  error: z.string().nullish(),
});
/** `GET /v1/runs/{id}` (API.md), also accepted as an event carrying the whole run. */
const RunView = z.looseObject({
  id: z.string(),
  pipeline: z.string().optional(),
  version: z.number().int().optional(),
  status: z.string(),
  steps: z.array(StepView).default([]),
  error: z.string().nullish(),
  startedAt: z.string().nullish(),
  finishedAt: z.string().nullish(),
});
/** A run event: the run's status after it, and the one step that changed, if any. */
const RunEvent = z.looseObject({
  status: z.string().optional(),
  at: z.string().optional(),
  error: z.string().nullish(),
  step: StepView.pick({ id: true, status: true, rowsIn: true, rowsOut: true, error: true }).loose().optional(),
});

export function isFinalRunStatus(status: string): boolean {
  return FINAL_RUN_STATUSES.has(status);
}

export function runProgressFromView(body: unknown): RunProgress {
  const view = RunView.parse(body);
  return {
    id: view.id,
    ...(view.pipeline !== undefined ? { pipeline: view.pipeline } : {}),
    ...(view.version !== undefined ? { version: view.version } : {}),
    status: view.status,
    steps: view.steps.map((s) => ({
      id: s.id,
      status: s.status,
      ...compact({
        kind: s.kind,
        rowsIn: s.rowsIn ?? undefined,
        rowsOut: s.rowsOut ?? undefined,
        startedAt: time(s.startedAt),
        finishedAt: time(s.finishedAt),
        error: s.error ?? undefined,
      }),
    })),
    ...compact({ error: view.error ?? undefined, startedAt: time(view.startedAt), finishedAt: time(view.finishedAt) }),
  };
}

/** The run after one event of `GET /v1/runs/{id}/events`; events it does not understand change nothing. */
export function applyRunEvent(run: RunProgress, event: StreamEvent, receivedAt: number): RunProgress {
  const whole = RunView.safeParse(event.data);
  if (whole.success && whole.data.id === run.id && Array.isArray((event.data as { steps?: unknown }).steps)) return runProgressFromView(event.data);
  const parsed = RunEvent.safeParse(event.data);
  if (!parsed.success) return run;
  const { status, step, error } = parsed.data;
  const at = time(parsed.data.at) ?? receivedAt;
  const nextStatus = status ?? statusFromEventType(event.type) ?? run.status;
  return {
    ...run,
    status: nextStatus,
    steps: step ? upsertStep(run.steps, step, at) : run.steps,
    ...(error ? { error } : {}),
    // a start seen only as "already RUNNING" has no known time: better no duration than a wrong one
    ...(run.startedAt === undefined && run.status !== 'RUNNING' && nextStatus === 'RUNNING' ? { startedAt: at } : {}),
    ...(run.finishedAt === undefined && isFinalRunStatus(nextStatus) ? { finishedAt: at } : {}),
  };
}

function upsertStep(steps: readonly StepProgress[], change: z.infer<typeof RunEvent>['step'] & object, at: number): StepProgress[] {
  const index = steps.findIndex((s) => s.id === change.id);
  const previous: StepProgress = index >= 0 ? steps[index] : { id: change.id, status: 'PENDING' };
  const next: StepProgress = {
    ...previous,
    status: change.status,
    ...compact({ rowsIn: change.rowsIn ?? undefined, rowsOut: change.rowsOut ?? undefined, error: change.error ?? undefined }),
    ...(previous.startedAt === undefined && previous.status !== 'RUNNING' && change.status === 'RUNNING' ? { startedAt: at } : {}),
    ...(FINAL_STEP_STATUSES.has(change.status) ? { finishedAt: at } : {}),
  };
  return index >= 0 ? steps.map((s, i) => (i === index ? next : s)) : [...steps, next];
}

const EVENT_TYPE_STATUS: Readonly<Record<string, RunStatus>> = {
  queued: 'QUEUED',
  started: 'RUNNING',
  resumed: 'RUNNING',
  succeeded: 'SUCCEEDED',
  failed: 'FAILED',
  cancelled: 'CANCELLED',
  interrupted: 'INTERRUPTED',
};

function statusFromEventType(type: string): RunStatus | undefined {
  return EVENT_TYPE_STATUS[type];
}

function time(iso: string | null | undefined): number | undefined {
  if (!iso) return undefined;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : ms;
}
