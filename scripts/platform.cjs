// @ts-check
// Starts the eight Sluice services as child processes, prefixes their logs, waits until each one
// answers /health/ready, and stops them all cleanly. Used by `npm start` and the end-to-end tests.
'use strict';
const { spawn } = require('node:child_process');
const { createInterface } = require('node:readline');
const { resolve } = require('node:path');

const ROOT = resolve(__dirname, '..');

/** Default ports; an offset moves them all (the e2e tests use one so they never meet `npm start`). */
const SERVICES = [
  { name: 'scheduler', http: 8081, grpc: 50051 },
  { name: 'scraper', http: 8082, grpc: 50052 },
  { name: 'cache', http: 8083, grpc: 50053 },
  { name: 'orchestrator', http: 8084, grpc: 50054 },
  // a long load would grow V8's young generation to 128 MB; 16 MB keeps ingest small and is faster too
  { name: 'ingest', http: 8085, grpc: 50055, node: ['--max-semi-space-size=16'] },
  { name: 'data-quality', http: 8086, grpc: 50056 },
  { name: 'transform', http: 8087, grpc: 50057 },
  { name: 'gateway', http: 8080 },
];
const COLORS = [36, 32, 33, 35, 34, 96, 92, 93];
const envPrefix = (/** @type {string} */ name) => name.toUpperCase().replace(/-/g, '_');

/**
 * @typedef {{ name: string, http: number, grpc?: number, node?: string[] }} ServiceSpec
 * @typedef {{ spec: ServiceSpec, child: import('node:child_process').ChildProcess, exited: Promise<number | null>, tail: string[] }} Running
 * @typedef {{
 *   portOffset?: number,
 *   env?: Record<string, string | undefined>,
 *   only?: string[],
 *   readyTimeoutMs?: number,
 *   log?: (service: string, line: string) => void,
 * }} PlatformOptions
 */

/**
 * A service's ports for an offset. With an offset (the tests), gRPC ports move below the kernel's
 * ephemeral range (32768+), where an outgoing connection can be holding the port a test wants to
 * listen on; HTTP ports (8080+) are below it already.
 * @param {ServiceSpec} spec @param {number} offset
 */
function portsOf(spec, offset) {
  const grpc = spec.grpc === undefined ? undefined : offset === 0 ? spec.grpc : spec.grpc - 30_000 + offset;
  return { http: spec.http + offset, grpc };
}

/** Environment for one service: ports, and for the gateway where every other service listens. */
function serviceEnv(/** @type {ServiceSpec} */ spec, /** @type {number} */ offset) {
  const ports = portsOf(spec, offset);
  /** @type {Record<string, string>} */
  const env = { HTTP_PORT: String(ports.http) };
  if (ports.grpc) env.GRPC_PORT = String(ports.grpc);
  if (spec.name === 'gateway') {
    for (const other of SERVICES) if (other.grpc) env[`${envPrefix(other.name)}_GRPC_ADDR`] = `127.0.0.1:${portsOf(other, offset).grpc}`;
  }
  const grpcOf = (/** @type {string} */ name) => `127.0.0.1:${portsOf(/** @type {ServiceSpec} */ (SERVICES.find((s) => s.name === name)), offset).grpc}`;
  // ingest reads scrape sources from the scraper
  if (spec.name === 'ingest') env.SCRAPER_GRPC_ADDR = grpcOf('scraper');
  // pipeline schedules start runs at the orchestrator
  if (spec.name === 'scheduler') env.ORCHESTRATOR_GRPC_ADDR = grpcOf('orchestrator');
  return env;
}

function defaultLog(/** @type {string} */ service, /** @type {string} */ line) {
  const color = COLORS[SERVICES.findIndex((s) => s.name === service) % COLORS.length];
  process.stdout.write(`\x1b[${color}m${service.padEnd(12)}|\x1b[0m ${line}\n`);
}

/** @param {ServiceSpec} spec @param {PlatformOptions} options @returns {Running} */
function launch(spec, options) {
  const offset = options.portOffset ?? 0;
  const child = spawn(process.execPath, [...(spec.node ?? []), '--enable-source-maps', resolve(ROOT, 'apps', spec.name, 'dist', 'main.js')], {
    cwd: ROOT,
    env: { ...process.env, ...options.env, ...serviceEnv(spec, offset), OTEL_SERVICE_NAME: spec.name },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  /** @type {string[]} */
  const tail = [];
  const log = options.log ?? defaultLog;
  for (const stream of [child.stdout, child.stderr]) {
    if (!stream) continue;
    createInterface({ input: stream }).on('line', (line) => {
      tail.push(line);
      if (tail.length > 40) tail.shift();
      log(spec.name, line);
    });
  }
  const exited = new Promise((res) => child.once('exit', (code) => res(code)));
  return { spec, child, exited, tail };
}

function portAnswers(/** @type {number} */ port) {
  return new Promise((res) => {
    const socket = require('node:net').connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      res(true);
    });
    socket.once('error', () => res(false));
  });
}

async function isReady(/** @type {number} */ port) {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/health/ready`, { signal: AbortSignal.timeout(2000) });
    return res.status === 200;
  } catch {
    return false;
  }
}

/** @param {Running} running @param {number} offset @param {number} deadline */
async function waitReady(running, offset, deadline) {
  let exitCode;
  running.exited.then((code) => (exitCode = code));
  while (Date.now() < deadline) {
    if (exitCode !== undefined) {
      throw new Error(`${running.spec.name} exited with code ${exitCode}:\n${running.tail.join('\n')}`);
    }
    if (await isReady(portsOf(running.spec, offset).http)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${running.spec.name} not ready in time:\n${running.tail.join('\n')}`);
}

/**
 * Starts the services and resolves when every one is ready.
 * @param {PlatformOptions} [options]
 */
async function startPlatform(options = {}) {
  const offset = options.portOffset ?? 0;
  const specs = SERVICES.filter((s) => !options.only || options.only.includes(s.name));
  // A leftover process on a port would answer the readiness checks in place of the new one.
  for (const spec of specs) {
    const ports = portsOf(spec, offset);
    for (const port of [ports.http, ports.grpc].filter((p) => p !== undefined)) {
      if (await portAnswers(/** @type {number} */ (port))) throw new Error(`port ${port} of ${spec.name} is already in use`);
    }
  }
  const running = specs.map((spec) => launch(spec, options));
  const platform = {
    running,
    url: (/** @type {string} */ service) => {
      const spec = SERVICES.find((s) => s.name === service);
      if (!spec) throw new Error(`no service ${service}`);
      return `http://127.0.0.1:${portsOf(spec, offset).http}`;
    },
    grpcAddress: (/** @type {string} */ service) => {
      const spec = SERVICES.find((s) => s.name === service);
      if (!spec?.grpc) throw new Error(`no gRPC service ${service}`);
      return `127.0.0.1:${portsOf(spec, offset).grpc}`;
    },
    /** Sends a signal to one service and waits for it to exit. */
    kill: async (/** @type {string} */ service, /** @type {NodeJS.Signals} */ signal = 'SIGTERM') => {
      const r = running.find((x) => x.spec.name === service);
      if (!r) throw new Error(`no service ${service}`);
      r.child.kill(signal);
      return r.exited;
    },
    stop: () => stopAll(running),
  };
  const deadline = Date.now() + (options.readyTimeoutMs ?? 120_000);
  try {
    await Promise.all(running.map((r) => waitReady(r, offset, deadline)));
  } catch (error) {
    await stopAll(running);
    throw error;
  }
  return platform;
}

/** SIGTERM to every service; SIGKILL to any still running after the grace period. */
async function stopAll(/** @type {Running[]} */ running, graceMs = 15_000) {
  const alive = running.filter((r) => r.child.exitCode === null && r.child.signalCode === null);
  for (const r of alive) r.child.kill('SIGTERM');
  const timer = new Promise((r) => setTimeout(r, graceMs).unref());
  await Promise.race([Promise.all(alive.map((r) => r.exited)), timer]);
  for (const r of alive) if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill('SIGKILL');
  await Promise.all(alive.map((r) => r.exited));
  return alive.map((r) => ({ service: r.spec.name, code: r.child.exitCode, signal: r.child.signalCode }));
}

module.exports = { startPlatform, SERVICES, serviceEnv, portsOf };
