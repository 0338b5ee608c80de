import type { OutputStream } from '../cli-context';
import type { StreamEvent } from '../events/event-stream';
import { formatClock, formatDuration } from '../terminal/duration-format';
import { LiveBlock } from '../terminal/live-block';
import { printable } from '../terminal/printable';
import type { RunProgress, StepProgress } from './run-progress';

/** Shows a run as it progresses: redrawn lines on a terminal, one line per event otherwise. */
export interface RunDisplay {
  update(run: RunProgress, event?: StreamEvent): void;
  finish(run: RunProgress): void;
}

export function runDisplayFor(out: OutputStream, now: () => number): RunDisplay {
  return out.isTTY ? new LiveRunDisplay(out, now) : new LogRunDisplay(out, now);
}

export function formatStepLine(step: StepProgress, idWidth: number, now: number): string {
  const parts = [`  ${printable(step.id, 63).padEnd(idWidth)}`, step.status.padEnd(9)];
  const rows = formatRows(step);
  if (rows) parts.push(rows);
  if (step.startedAt !== undefined) parts.push(formatDuration((step.finishedAt ?? now) - step.startedAt));
  if (step.error) parts.push(`: ${printable(step.error, 200)}`);
  return parts.join('  ').trimEnd();
}

export function formatRunHeader(run: RunProgress, now: number): string {
  const name = run.pipeline ? `${printable(run.pipeline, 63)}${run.version !== undefined ? ` v${run.version}` : ''} ` : '';
  const elapsed = run.startedAt !== undefined ? `  ${formatDuration((run.finishedAt ?? now) - run.startedAt)}` : '';
  return `run ${name}${printable(run.id, 64)}  ${run.status}${elapsed}`;
}

/** The last line: the final status, how long it took, and why it failed. */
export function formatRunSummary(run: RunProgress): string {
  const took = run.startedAt !== undefined && run.finishedAt !== undefined ? ` in ${formatDuration(run.finishedAt - run.startedAt)}` : '';
  const failedSteps = run.steps.filter((s) => s.status === 'FAILED').map((s) => s.id);
  const why = run.error ? `: ${printable(run.error, 300)}` : failedSteps.length ? `: failed steps ${failedSteps.join(', ')}` : '';
  return `run ${printable(run.id, 64)} ${run.status}${took}${why}`;
}

/** One log line for one event, from the run's state after it. */
export function formatRunEventLine(event: StreamEvent, run: RunProgress, receivedAt: number): string {
  const data = (event.data ?? {}) as { at?: unknown; step?: { id?: unknown } };
  const at = typeof data.at === 'string' && !Number.isNaN(Date.parse(data.at)) ? Date.parse(data.at) : receivedAt;
  const stepId = typeof data.step?.id === 'string' ? data.step.id : undefined;
  const step = stepId === undefined ? undefined : run.steps.find((s) => s.id === stepId);
  if (step) return `${formatClock(at)} step ${formatStepLine(step, 0, at).trimStart()}`;
  return `${formatClock(at)} run ${run.status}${run.error ? `: ${printable(run.error, 300)}` : ''}`;
}

function formatRows(step: StepProgress): string | undefined {
  if (step.rowsIn !== undefined && step.rowsOut !== undefined) return `rows ${step.rowsIn} → ${step.rowsOut}`;
  if (step.rowsOut !== undefined) return `rows ${step.rowsOut}`;
  if (step.rowsIn !== undefined) return `rows ${step.rowsIn} in`;
  return undefined;
}

class LiveRunDisplay implements RunDisplay {
  private readonly block: LiveBlock;

  constructor(
    private readonly out: OutputStream,
    private readonly now: () => number,
  ) {
    this.block = new LiveBlock(out);
  }

  update(run: RunProgress): void {
    const now = this.now();
    const idWidth = Math.max(0, ...run.steps.map((s) => Math.min(s.id.length, 63)));
    this.block.render([formatRunHeader(run, now), ...run.steps.map((s) => formatStepLine(s, idWidth, now))]);
  }

  finish(run: RunProgress): void {
    this.update(run);
    this.out.write(`${formatRunSummary(run)}\n`);
  }
}

class LogRunDisplay implements RunDisplay {
  constructor(
    private readonly out: OutputStream,
    private readonly now: () => number,
  ) {}

  update(run: RunProgress, event?: StreamEvent): void {
    if (event) this.out.write(`${formatRunEventLine(event, run, this.now())}\n`);
  }

  finish(run: RunProgress): void {
    this.out.write(`${formatRunSummary(run)}\n`);
  }
}
