'use strict';

const readline = require('node:readline');

/** Engine methods the CLI may call by their own name. */
const ENGINE_METHODS = new Set([
  'applyMigrations', 'createMigration', 'dbExecute', 'debugPanic', 'devDiagnostic', 'diagnoseMigrationHistory',
  'ensureConnectionValidity', 'evaluateDataLoss', 'introspect', 'introspectSql', 'markMigrationApplied',
  'markMigrationRolledBack', 'reset', 'schemaPush',
]);

const NEEDS_DEV_DIAGNOSTIC = /shadow DB must be provided through an external factory/;

/**
 * Serves the CLI's line-delimited JSON-RPC 2.0 on `input`/`output`, one request at a time.
 * `handlers` may add or replace methods: `(params, rpc) => result`. `done` resolves when `input`
 * ends; `failInFlight(error)` answers the request being handled with that error (after a panic).
 */
function serveJsonRpc({ input, output, engine, handlers = {} }) {
  const waitingForReplies = new Map();
  let nextOutgoingId = 1;
  const send = (message) => output.write(`${JSON.stringify(message)}\n`);
  const rpc = {
    /** Asks the CLI something (only `print` exists) and waits for its reply. */
    request(method, params) {
      const id = nextOutgoingId++;
      return new Promise((resolve, reject) => {
        waitingForReplies.set(id, { resolve, reject });
        send({ jsonrpc: '2.0', id, method, params });
      });
    },
  };
  const methods = { ...engineHandlers(engine, rpc), ...handlers };

  let queue = Promise.resolve();
  let inFlight;
  const lines = readline.createInterface({ input, crlfDelay: Infinity });
  lines.on('line', (line) => {
    if (!line.trim()) return;
    let message;
    try {
      message = JSON.parse(line);
    } catch {
      send({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error' } });
      return;
    }
    // Replies to our own requests must not wait behind the request that is waiting for them.
    if (message.method === undefined && waitingForReplies.has(message.id)) {
      const waiter = waitingForReplies.get(message.id);
      waitingForReplies.delete(message.id);
      if (message.error) waiter.reject(new Error(message.error.message));
      else waiter.resolve(message.result);
      return;
    }
    queue = queue.then(async () => {
      inFlight = message;
      await answer(message, methods, rpc, send);
      inFlight = undefined;
    });
  });
  return {
    done: new Promise((resolve) => lines.on('close', () => queue.then(resolve))),
    failInFlight(error) {
      if (inFlight) send({ jsonrpc: '2.0', id: inFlight.id, error: toRpcError(error) });
      inFlight = undefined;
    },
  };
}

async function answer(request, methods, rpc, send) {
  const { id, method, params } = request;
  const handler = Object.hasOwn(methods, method) ? methods[method] : undefined;
  if (!handler) {
    send({ jsonrpc: '2.0', id, error: { code: -32601, message: `Method not found: ${method}` } });
    return;
  }
  try {
    const result = await handler(params ?? {}, rpc);
    send({ jsonrpc: '2.0', id, result: result === undefined ? null : result });
  } catch (error) {
    send({ jsonrpc: '2.0', id, error: toRpcError(error) });
  }
}

function engineHandlers(engine, rpc) {
  const handlers = {};
  for (const method of ENGINE_METHODS) handlers[method] = (params) => engine[method](params);
  Object.assign(handlers, {
    getDatabaseVersion: (params) => engine.version(params),
    // The native engine prints the diff itself through the CLI; the wasm engine returns it instead.
    diff: async (params) => {
      const result = await engine.diff(params);
      if (result.stdout) await rpc.request('print', { content: result.stdout });
      return { ...result, stdout: null };
    },
    // The wasm engine only learns to use the adapter's shadow database once devDiagnostic has run.
    createMigration: (params) => withDevDiagnostic(engine, params, () => engine.createMigration(params)),
    evaluateDataLoss: (params) => withDevDiagnostic(engine, params, () => engine.evaluateDataLoss(params)),
  });
  return handlers;
}

async function withDevDiagnostic(engine, params, call) {
  try {
    return await call();
  } catch (error) {
    if (!NEEDS_DEV_DIAGNOSTIC.test(errorMessage(error))) throw error;
    await engine.devDiagnostic({ migrationsList: params.migrationsList, filters: params.filters });
    return call();
  }
}

/** The error shape the CLI reads: `data.message`, `data.error_code`, `data.is_panic`. */
function toRpcError(error) {
  const known = engineError(error);
  const isPanic = error instanceof EnginePanic || Boolean(known?.is_panic);
  return {
    code: 4466,
    message: 'An error happened. Check the data field for details.',
    data: {
      is_panic: isPanic,
      message: known?.message ?? errorMessage(error),
      error_code: known?.error_code ?? undefined,
      meta: known?.meta ?? undefined,
    },
  };
}

/** The wasm engine rejects with its own `{ message, error_code, meta, is_panic }`, sometimes as JSON text. */
function engineError(error) {
  if (error && typeof error === 'object' && !(error instanceof Error) && 'message' in error) return error;
  const text = errorMessage(error);
  if (text.startsWith('{')) {
    try {
      const parsed = JSON.parse(text);
      if (parsed && typeof parsed.message === 'string') return parsed;
    } catch {
      // not JSON after all; the plain message is used
    }
  }
  return undefined;
}

/** A Rust panic inside the wasm engine; the instance is unusable afterwards. */
class EnginePanic extends Error {
  name = 'EnginePanic';
}

function errorMessage(error) {
  if (error instanceof Error) return error.message;
  if (error && typeof error === 'object' && typeof error.message === 'string') return error.message;
  return String(error);
}

module.exports = { serveJsonRpc, toRpcError, EnginePanic };
