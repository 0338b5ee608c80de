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

async function main() {
  const platform = await startPlatform({
    portOffset: 1600,
    only: ['gateway'],
    // the limit must not refuse the benchmark's own load: it measures the cost of the check
    env: { SLUICE_NATS_NAMESPACE: 'bench', LOG_LEVEL: 'warn', RATE_LIMIT_PER_MINUTE: '100000000', ...(process.env.BENCH_OTEL_OFF ? { OTEL_SDK_DISABLED: 'true' } : {}) },
    log: () => undefined,
  });
  const base = platform.url('gateway');
  const email = `bench-${Date.now()}@example.org`;
  const signup = await (
    await fetch(`${base}/v1/auth/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: 'benchmark password', organization: 'bench' }),
    })
  ).json();
  const bare = fork(resolve(__dirname, 'support/bare-me-server.cjs'), [String(BARE_PORT), signup.user.id, signup.organization.id]);
  await new Promise((r) => bare.once('message', r));
  try {
    const bareResult = await load({ url: `http://127.0.0.1:${BARE_PORT}/me` });
    const gatewayResult = await load({ url: `${base}/v1/me`, headers: { authorization: `Bearer ${signup.accessToken}` } });
    const sluice = stats(gatewayResult);
    const peer = stats(bareResult);
    const extra = { connections: CONNECTIONS, duration_s: DURATION_S, cost_ratio: Math.round((peer.ops_per_s / sluice.ops_per_s) * 100) / 100 };
    console.log(JSON.stringify({ name: 'gateway_authenticated_get', impl: 'sluice', ...sluice, peer: 'bare_fastify', ratio: Math.round((sluice.ops_per_s / peer.ops_per_s) * 100) / 100, ...extra }));
    console.log(JSON.stringify({ name: 'gateway_authenticated_get', impl: 'bare_fastify', ...peer, peer: null, ratio: null, ...extra }));
  } finally {
    bare.kill('SIGTERM');
    await platform.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
