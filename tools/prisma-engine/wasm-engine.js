'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { bindMigrationAwareSqlAdapterFactory } = require('@prisma/driver-adapter-utils');

let glue;
let panicMessage;

// The glue reports a Rust panic's message here just before the wasm traps.
globalThis.PRISMA_WASM_PANIC_REGISTRY = {
  set_message(message) {
    panicMessage = message;
  },
};

/** The message of the last panic inside the engine, if any, once. */
function takePanicMessage() {
  const message = panicMessage;
  panicMessage = undefined;
  return message;
}

/** Instantiates the engine's WebAssembly module once; the package's own entry needs a wasm-aware bundler. */
function loadEngineModule() {
  if (glue) return glue;
  const gluePath = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg');
  const loaded = require(gluePath);
  const wasm = new WebAssembly.Module(fs.readFileSync(path.join(path.dirname(gluePath), 'schema_engine_bg.wasm')));
  const instance = new WebAssembly.Instance(wasm, { './schema_engine_bg.js': loaded });
  loaded.__wbg_set_wasm(instance.exports);
  instance.exports.__wbindgen_start();
  glue = loaded;
  return glue;
}

/** The git hash of the engine build, which the CLI reads from `--version`. */
const engineVersion = () => loadEngineModule().version();

/** A schema engine over the given schema files, talking to the database through `adapterFactory`. */
function createSchemaEngine({ datamodelPaths, adapterFactory, log }) {
  const datamodels = datamodelPaths.length ? datamodelPaths.map((file) => [file, fs.readFileSync(file, 'utf8')]) : undefined;
  return loadEngineModule().SchemaEngine.new({ datamodels }, log, bindMigrationAwareSqlAdapterFactory(adapterFactory));
}

module.exports = { createSchemaEngine, engineVersion, takePanicMessage };
