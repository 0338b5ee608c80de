import type { ApiClient } from '../api/api-client';
import type { CliContext } from '../cli-context';
import { watchEventStream } from '../events/event-stream';
import { runDisplayFor } from './run-display';
import { applyRunEvent, isFinalRunStatus, runProgressFromView, type RunProgress } from './run-progress';

/** Shows a run until it reaches a final status (from `GET /v1/runs/{id}`, then its event stream). */
export async function watchRun(client: ApiClient, context: CliContext, runId: string): Promise<RunProgress> {
  const path = `/v1/runs/${encodeURIComponent(runId)}`;
  let run = runProgressFromView((await client.json('GET', path)).body);
  const display = runDisplayFor(context.stdout, context.now);
  display.update(run);
  if (!isFinalRunStatus(run.status)) {
    // a terminal display also redraws between events, so running durations count up
    const ticker = context.stdout.isTTY ? setInterval(() => display.update(run), context.tickMs ?? 1000) : undefined;
    try {
      await watchEventStream({
        open: (lastEventId, signal) => client.stream(`${path}/events`, lastEventId ? { 'last-event-id': lastEventId } : {}, signal),
        onEvent: (event) => {
          run = applyRunEvent(run, event, context.now());
          display.update(run, event);
          return isFinalRunStatus(run.status);
        },
        ...(context.streamTiming ? { timing: context.streamTiming } : {}),
      });
    } finally {
      clearInterval(ticker);
    }
  }
  display.finish(run);
  return run;
}
