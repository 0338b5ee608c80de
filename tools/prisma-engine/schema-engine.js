#!/usr/bin/env node
'use strict';

// Stands in for Prisma's native `schema-engine` binary (PRISMA_SCHEMA_ENGINE_BINARY, set in
// prisma.config.ts): the same engine compiled to WebAssembly, driven through adapter-pg, so
// migrations need no download. Protocol and workarounds: libs/database/README.md.

const { parseArguments, UsageError } = require('./arguments');
const { describeUrl, prismaErrorFor, canConnect, createDatabase, dropDatabase } = require('./postgres-database');
const { MigrationAdapterFactory } = require('./migration-adapter');
const { createSchemaEngine, engineVersion, takePanicMessage } = require('./wasm-engine');
const { serveJsonRpc, EnginePanic } = require('./rpc-server');

const PANIC_EXIT_CODE = 101; // what the native engine exits with, and the CLI expects, after a panic

const DATABASE_COMMANDS = {
  'can-connect-to-database': canConnect,
  'create-database': createDatabase,
  'drop-database': dropDatabase,
};

/** One JSON log line on stderr, in the native engine's shape, which the CLI parses. */
function log(level, fields) {
  process.stderr.write(`${JSON.stringify({ timestamp: new Date().toISOString(), level, fields, target: 'schema_engine::logger' })}\n`);
}

async function runDatabaseCommand(command, { url }) {
  // The CLI skips the first stderr line and reads the rest as JSON.
  log('INFO', { message: `Starting schema engine CLI (${command})` });
  if (!url) {
    log('ERROR', { message: 'The datasource has no url.' });
    return 1;
  }
  try {
    await DATABASE_COMMANDS[command](url);
    return 0;
  } catch (error) {
    const { code, message } = prismaErrorFor(error, url);
    log('ERROR', { error_code: code, message });
    return 1;
  }
}

async function serveEngine({ datamodels, datasource }) {
  // stdout carries the protocol only; anything a library logs goes to stderr, which the CLI tolerates.
  console.log = console.info = console.debug = console.error;
  const adapterFactory = new MigrationAdapterFactory(datasource);
  const stop = async () => {
    await adapterFactory.dropLiveShadowDatabases();
    process.exit(0);
  };
  // The CLI ends stdin and then kills the engine at once; a shadow database must not outlive it.
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);

  const engine = await createSchemaEngine({
    datamodelPaths: datamodels,
    adapterFactory,
    log: (line) => process.stderr.write(`${line}\n`),
  });
  const server = serveJsonRpc({
    input: process.stdin,
    output: process.stdout,
    engine,
    handlers: {
      createDatabase: async ({ datasource: target }) => {
        const url = target?.url ?? datasource.url;
        await createDatabase(url);
        return { databaseName: describeUrl(url).database };
      },
    },
  });
  // A panic (or a bad request the engine throws on) surfaces inside the engine's own futures, outside
  // any promise chain, so it arrives here rather than as a rejection; the request in flight then never
  // settles and the instance cannot be trusted, so answer it and exit as the native engine would.
  process.once('uncaughtException', async (error) => {
    const panic = takePanicMessage();
    server.failInFlight(panic ? new EnginePanic(panic) : error);
    log('ERROR', { message: panic ?? String(error?.stack ?? error), is_panic: Boolean(panic) });
    await adapterFactory.dropLiveShadowDatabases();
    process.exit(panic ? PANIC_EXIT_CODE : 1);
  });
  await server.done;
  await adapterFactory.dropLiveShadowDatabases();
  return 0;
}

async function main(argv) {
  const args = parseArguments(argv);
  if (args.version) {
    process.stdout.write(`schema-engine-cli ${engineVersion()}\n`);
    return 0;
  }
  if (args.cliCommand) return runDatabaseCommand(args.cliCommand, args.datasource);
  return serveEngine(args);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    log('ERROR', { message: error instanceof UsageError ? error.message : String(error?.stack ?? error) });
    process.exit(error instanceof UsageError ? 2 : 1);
  },
);
