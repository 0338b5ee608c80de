import { Command, CommanderError } from 'commander';
import type { CliContext } from './cli-context';
import { CommandOutcome } from './command-outcome';
import { EXIT_OK, EXIT_USAGE } from './errors/cli-errors';
import { reportError } from './errors/error-report';
import { registerLoginCommand } from './login/login-command';
import { registerPipelinesCommands } from './pipelines/pipelines-command';
import { registerRunsCommands } from './runs/runs-command';
import { registerTaskCommands } from './tasks/tasks-command';

/** The `sluice` command tree. Errors are thrown (exitOverride), never handled by exiting the process. */
export function buildProgram(context: CliContext, outcome: CommandOutcome): Command {
  const program = new Command('sluice')
    .description('Sluice from the command line: pipelines, runs and crawls through the public REST API')
    .version(context.version, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help for a command')
    .showHelpAfterError('(add --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => context.stdout.write(text),
      writeErr: (text) => context.stderr.write(text),
    });
  registerLoginCommand(program, context);
  registerPipelinesCommands(program, context, outcome);
  registerRunsCommands(program, context, outcome);
  registerTaskCommands(program, context, outcome);
  return program;
}

/** Runs one command line (without `node` and the script) and returns the exit code. */
export async function runCli(args: readonly string[], context: CliContext): Promise<number> {
  const outcome = new CommandOutcome();
  try {
    await buildProgram(context, outcome).parseAsync([...args], { from: 'user' });
    return outcome.exitCode;
  } catch (error) {
    // commander has already printed its message (or the help / version it was asked for)
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    const report = reportError(error);
    context.stderr.write(`${report.lines.join('\n')}\n`);
    return report.exitCode;
  }
}
