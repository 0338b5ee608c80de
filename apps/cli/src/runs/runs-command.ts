import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import { z } from 'zod';
import type { CliContext } from '../cli-context';
import { keyValuePairs, objectFromPairs, uuid } from '../command-arguments';
import { exitCodeForStatus, type CommandOutcome } from '../command-outcome';
import { connect } from '../credentials/connection';
import { ApiProblemError, CliError, EXIT_FAILURE } from '../errors/cli-errors';
import { watchRun } from './watch-run';

const RunStarted = z.looseObject({ runId: z.string(), status: z.string() });

export function registerRunsCommands(program: Command, context: CliContext, outcome: CommandOutcome): void {
  const runs = program.command('runs').description('start and follow pipeline runs');

  runs
    .command('start')
    .description('start a run of a pipeline (POST /v1/pipelines/{name}/runs)')
    .argument('<pipeline>', 'pipeline name')
    .option('--param <key=value>', 'a run parameter (repeatable); key:=<json> for a JSON value', keyValuePairs, [])
    .option('--watch', 'follow the run until it ends; exit code 0 only if it succeeded')
    .action(async (pipeline: string, options: { param: [string, string][]; watch?: boolean }) => {
      const params = objectFromPairs(options.param, '--param');
      const client = await connect(context);
      let started: z.infer<typeof RunStarted>;
      try {
        const { body } = await client.json('POST', `/v1/pipelines/${encodeURIComponent(pipeline)}/runs`, {
          json: Object.keys(params).length ? { params } : {},
          headers: { 'idempotency-key': randomUUID() },
        });
        started = RunStarted.parse(body);
      } catch (error) {
        throw activeRunError(error, pipeline);
      }
      context.stdout.write(`run ${started.runId} ${started.status}\n`);
      if (options.watch) outcome.exitCode = exitCodeForStatus((await watchRun(client, context, started.runId)).status);
    });

  runs
    .command('watch')
    .description('follow a run until it ends; exit code 0 only if it succeeded')
    .argument('<runId>', 'run id', uuid)
    .action(async (runId: string) => {
      const client = await connect(context);
      outcome.exitCode = exitCodeForStatus((await watchRun(client, context, runId)).status);
    });
}

/** 409 `{ runId }`: say which run is active and how to follow it. */
function activeRunError(error: unknown, pipeline: string): unknown {
  if (!(error instanceof ApiProblemError) || error.status !== 409) return error;
  const runId = error.problem.extensions.runId;
  if (typeof runId !== 'string') return error;
  return new CliError(`pipeline ${pipeline} already has an active run: ${runId}`, EXIT_FAILURE, [`follow it with: sluice runs watch ${runId}`]);
}
