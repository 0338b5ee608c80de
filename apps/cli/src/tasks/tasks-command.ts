import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import { z } from 'zod';
import type { CliContext } from '../cli-context';
import { integerIn, keyValuePairs, uuid } from '../command-arguments';
import { exitCodeForStatus, type CommandOutcome } from '../command-outcome';
import { connect } from '../credentials/connection';
import { UsageError } from '../errors/cli-errors';
import { watchTask } from './watch-task';

const TaskCreated = z.looseObject({ taskId: z.string(), status: z.string() });
const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

interface CrawlOptions {
  maxPages?: number;
  maxDepth?: number;
  extract: [string, string][];
  watch?: boolean;
}

export function registerTaskCommands(program: Command, context: CliContext, outcome: CommandOutcome): void {
  program
    .command('crawl')
    .description('start a crawl (POST /v1/scrape-jobs)')
    .argument('<url>', 'the start URL (http or https)')
    .option('--max-pages <n>', 'stop after this many pages (1-100000)', integerIn(1, 100_000))
    .option('--max-depth <n>', 'follow links this many levels deep (0-20)', integerIn(0, 20))
    .option('--extract <field=selector>', 'a field to extract from every page with a CSS selector (repeatable)', keyValuePairs, [])
    .option('--watch', 'follow the crawl until it ends; exit code 0 only if it succeeded')
    .action(async (url: string, options: CrawlOptions) => {
      const job = scrapeJobBody(url, options);
      const client = await connect(context);
      const { body } = await client.json('POST', '/v1/scrape-jobs', { json: job, headers: { 'idempotency-key': randomUUID() } });
      const created = TaskCreated.parse(body);
      context.stdout.write(`task ${created.taskId} ${created.status}\n`);
      if (options.watch) outcome.exitCode = exitCodeForStatus((await watchTask(client, context, created.taskId)).status);
    });

  program
    .command('tasks')
    .description('follow tasks')
    .command('watch')
    .description('follow a task (e.g. a crawl) until it ends; exit code 0 only if it succeeded')
    .argument('<taskId>', 'task id', uuid)
    .action(async (taskId: string) => {
      const client = await connect(context);
      outcome.exitCode = exitCodeForStatus((await watchTask(client, context, taskId)).status);
    });
}

/** The body of `POST /v1/scrape-jobs` (API.md), checked here where a message can name the option. */
export function scrapeJobBody(url: string, options: CrawlOptions): Record<string, unknown> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`not a URL: ${url}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new UsageError(`only http and https URLs can be crawled: ${url}`);
  const extract: Record<string, string> = {};
  for (const [field, selector] of options.extract) {
    if (!FIELD_NAME.test(field)) throw new UsageError(`--extract ${field}: field names are letters, digits and _ (not starting with a digit)`);
    if (Object.hasOwn(extract, field)) throw new UsageError(`--extract ${field} is given twice`);
    if (!selector.trim()) throw new UsageError(`--extract ${field}: the CSS selector is empty`);
    extract[field] = selector;
  }
  return {
    startUrls: [url],
    ...(options.maxPages !== undefined ? { maxPages: options.maxPages } : {}),
    ...(options.maxDepth !== undefined ? { maxDepth: options.maxDepth } : {}),
    ...(Object.keys(extract).length ? { extract } : {}),
  };
}
