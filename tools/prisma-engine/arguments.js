'use strict';

/** The `cli <command>` sub-commands the Prisma CLI runs as one-shot processes. */
const CLI_COMMANDS = ['can-connect-to-database', 'create-database', 'drop-database'];

class UsageError extends Error {
  name = 'UsageError';
}

/**
 * Reads the command line the Prisma CLI starts its schema engine with, e.g.
 * `--datamodels a.prisma --datasource '{"url":"postgresql://…"}'` or `--datasource … cli create-database`.
 */
function parseArguments(argv) {
  const parsed = { version: false, datamodels: [], datasource: {}, cliCommand: undefined };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) throw new UsageError(`${arg} needs a value`);
      return argv[++i];
    };
    switch (arg) {
      case '--version':
      case '-V':
        parsed.version = true;
        break;
      case '--datamodels':
        parsed.datamodels.push(next());
        break;
      case '--datasource':
        parsed.datasource = parseDatasource(next());
        break;
      // Accepted for compatibility; the wasm engine takes neither.
      case '--enabled-preview-features':
      case '--extension-types':
        next();
        break;
      case 'cli':
        parsed.cliCommand = next();
        if (!CLI_COMMANDS.includes(parsed.cliCommand)) {
          throw new UsageError(`unknown cli command ${parsed.cliCommand}; expected one of ${CLI_COMMANDS.join(', ')}`);
        }
        break;
      default:
        throw new UsageError(`unknown argument ${arg}`);
    }
  }
  return parsed;
}

function parseDatasource(json) {
  let value;
  try {
    value = JSON.parse(json);
  } catch {
    throw new UsageError('--datasource must be JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UsageError('--datasource must be a JSON object');
  }
  for (const key of ['url', 'shadowDatabaseUrl']) {
    if (value[key] !== undefined && value[key] !== null && typeof value[key] !== 'string') {
      throw new UsageError(`--datasource ${key} must be a string`);
    }
  }
  return { url: value.url ?? undefined, shadowDatabaseUrl: value.shadowDatabaseUrl ?? undefined };
}

module.exports = { parseArguments, UsageError, CLI_COMMANDS };
