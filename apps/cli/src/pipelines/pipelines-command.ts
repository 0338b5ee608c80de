import type { Command } from 'commander';
import { parsePipeline, pipelineJsonSchema } from '@sluice/pipeline-spec';
import { z } from 'zod';
import type { CliContext } from '../cli-context';
import type { CommandOutcome } from '../command-outcome';
import { connect } from '../credentials/connection';
import { ApiProblemError, CliError, EXIT_FAILURE } from '../errors/cli-errors';
import { MEDIA_TYPES, readPipelineFile } from './pipeline-file';
import { formatValidation, validateFiles } from './validate-files';

const PipelineVersion = z.looseObject({ name: z.string(), version: z.number().int() });

export function registerPipelinesCommands(program: Command, context: CliContext, outcome: CommandOutcome): void {
  const pipelines = program.command('pipelines').description('validate, inspect and apply pipeline definitions');

  pipelines
    .command('validate')
    .description('check definition files offline (no login, no network); exit code 1 when any is invalid')
    .argument('<file...>', 'YAML (.yaml, .yml) or JSON (.json) definition files')
    .option('--json', 'print the results as JSON: [{ file, valid, errors: [{ path, message }] }]')
    .action(async (files: string[], options: { json?: boolean }) => {
      const results = await validateFiles(files);
      const lines = options.json ? [JSON.stringify(results, null, 2)] : formatValidation(results);
      context.stdout.write(`${lines.join('\n')}\n`);
      if (results.some((r) => !r.valid)) outcome.exitCode = EXIT_FAILURE;
    });

  pipelines
    .command('schema')
    .description('print the JSON Schema of pipeline definitions (offline), e.g. for an editor')
    .action(() => {
      context.stdout.write(`${JSON.stringify(pipelineJsonSchema(), null, 2)}\n`);
    });

  pipelines
    .command('apply')
    .description('create or update a pipeline from a definition file (PUT /v1/pipelines/{name})')
    .argument('<file>', 'YAML or JSON definition file')
    .action(async (file: string) => {
      const read = await readPipelineFile(file);
      if (!read.ok) throw new CliError(`${file}: ${read.message}`);
      const parsed = await parsePipeline(read.source.text, read.source.contentType);
      if (!parsed.valid) throw new CliError(`${file} is not a valid pipeline definition`, EXIT_FAILURE, parsed.errors.map((e) => `  ${e.path}: ${e.message}`));
      const name = parsed.pipeline.name;
      const client = await connect(context);
      const path = `/v1/pipelines/${encodeURIComponent(name)}`;
      const previous = await currentVersion(() => client.json('GET', path));
      const { body } = await client.json('PUT', path, { text: { body: read.source.text, contentType: MEDIA_TYPES[read.source.contentType] } });
      const applied = PipelineVersion.parse(body);
      const change = previous === undefined ? 'created' : previous === applied.version ? 'unchanged' : `updated from version ${previous}`;
      context.stdout.write(`${applied.name}: version ${applied.version} ${change}\n`);
    });
}

/** The pipeline's latest version, or undefined when it does not exist yet. */
async function currentVersion(get: () => Promise<{ body: unknown }>): Promise<number | undefined> {
  try {
    return PipelineVersion.parse((await get()).body).version;
  } catch (error) {
    if (error instanceof ApiProblemError && error.status === 404) return undefined;
    throw error;
  }
}
