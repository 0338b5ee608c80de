// @ts-check
// Authenticated, rate-limited GET /v1/me through the gateway vs a bare Fastify route doing the
// same two queries, same load (autocannon on loopback), same run. Prints two JSON lines.
'use strict';
const { fork } = require('node:child_process');
const { resolve } = require('node:path');
const autocannon = require('autocannon');
const { startPlatform } = require('../scripts/platform.cjs');

const CONNECTIONS = 32;
const DURATION_S = 8;
const BARE_PORT = 18_999;

/** @param {autocannon.Options} options */
function load(options) {
  return new Promise((done, fail) => autocannon({ connections: CONNECTIONS, duration: DURATION_S, ...options }, (e, r) => (e ? fail(e) : done(r))));
}

/** @param {autocannon.Result} r */
const stats = (r) => ({ ops_per_s: Math.round(r.requests.average), p50_ms: r.latency.p50, p99_ms: r.latency.p99, count: r.requests.total, errors: r.errors + r.non2xx });

async function signup(/** @type {string} */ base) {
  const res = await fetch(`${base}/v1/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: `bench-${Date.now()}@example.org`, password: 'benchmark password', organization: 'bench' }),
  });
  if (res.status !== 201) throw new Error(`signup failed: ${res.status} ${await res.text()}`);
  return res.json();
}

async function main() {
  const platform = await startPlatform({
    portOffset: 1600,
    only: ['gateway'],
    // own key prefix, and limits the load cannot reach: the benchmark measures the cost of the checks
    env: {
      SLUICE_NATS_NAMESPACE: 'bench',
      SLUICE_REDIS_PREFIX: `bench-${Date.now()}`,
      LOG_LEVEL: 'warn',
      RATE_LIMIT_PER_MINUTE: '10000000',
      RATE_LIMIT_IP_PER_MINUTE: '10000000',
    },
    log: () => undefined,
  });
  /** @type {import('node:child_process').ChildProcess | undefined} */
  let bare;
  try {
    const base = platform.url('gateway');
    const session = await signup(base);
    bare = fork(resolve(__dirname, 'support/bare-me-server.cjs'), [String(BARE_PORT), session.user.id, session.organization.id]);
    await new Promise((r) => bare?.once('message', r));
    const peer = stats(await load({ url: `http://127.0.0.1:${BARE_PORT}/me` }));
    const sluice = stats(await load({ url: `${base}/v1/me`, headers: { authorization: `Bearer ${session.accessToken}` } }));
    const extra = { connections: CONNECTIONS, duration_s: DURATION_S, cost_ratio: Math.round((peer.ops_per_s / sluice.ops_per_s) * 100) / 100 };
    const ratio = Math.round((sluice.ops_per_s / peer.ops_per_s) * 100) / 100;
    console.log(JSON.stringify({ name: 'gateway_authenticated_get', impl: 'sluice', ...sluice, peer: 'bare_fastify', ratio, ...extra }));
    console.log(JSON.stringify({ name: 'gateway_authenticated_get', impl: 'bare_fastify', ...peer, peer: null, ratio: null, ...extra }));
  } finally {
    bare?.kill('SIGTERM');
    await platform.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
