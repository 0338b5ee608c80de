// @ts-check
// Rate-limit decisions per second: Sluice's limiter (GCRA and the exact sliding window, one Lua
// script per decision, with metrics) against rate-limiter-flexible's RateLimiterRedis (a fixed
// window), same Redis, same ioredis client options, same concurrency, 100 keys, limits high enough
// that every decision is an admission. `violations` counts decisions that were not admitted by Redis.
// The machine is shared and noisy, so the two alternate for ROUNDS rounds and each reports its
// median round.
'use strict';
const { randomBytes } = require('node:crypto');
const { Redis } = require('ioredis');
const { Registry } = require('prom-client');
const { RateLimiterRedis } = require('rate-limiter-flexible');
const { RateLimiter } = require('../libs/rate-limit/dist/index.js');
const { deleteKeysWithPrefix } = require('./support/redis-keys.cjs');
const { measure, reportComparison } = require('./support/measure.cjs');

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const CONCURRENCY = 64;
const ITERATIONS = 20_000;
const ROUNDS = 3;
const KEYS = 100;
const PERIOD_MS = 60_000;

function assertLoopback(/** @type {string} */ url) {
  const host = new URL(url).hostname;
  if (!['127.0.0.1', 'localhost', '::1', '[::1]'].includes(host)) throw new Error(`benchmarks only target loopback Redis, not ${host}`);
}

const keyOf = (/** @type {number} */ i) => `tenant-${i % KEYS}`;


/** @param {import('../libs/rate-limit/dist/index.js').RateLimitPolicy} policy @param {Redis} redis */
async function measureSluice(policy, redis) {
  const prefix = `sluice-bench-${randomBytes(4).toString('hex')}`;
  const limiter = new RateLimiter({ redis, prefix, policy, registry: new Registry() });
  let violations = 0;
  try {
    const stats = await measure({
      op: async (i) => {
        const result = await limiter.consume(keyOf(i));
        if (!result.allowed || result.backend !== 'redis') violations++;
      },
      iterations: ITERATIONS,
      concurrency: CONCURRENCY,
    });
    return { stats, violations };
  } finally {
    limiter.close();
    await deleteKeysWithPrefix(redis, prefix);
  }
}

/** @param {Redis} redis */
async function measurePeer(redis) {
  const prefix = `rlf-bench-${randomBytes(4).toString('hex')}`;
  const peer = new RateLimiterRedis({ storeClient: redis, useRedisPackage: false, keyPrefix: prefix, points: 100_000, duration: PERIOD_MS / 1000 });
  let violations = 0;
  try {
    const stats = await measure({
      op: async (i) => {
        try {
          await peer.consume(keyOf(i));
        } catch (rejection) {
          if (rejection instanceof Error) throw rejection;
          violations++; // a RateLimiterRes rejection: refused
        }
      },
      iterations: ITERATIONS,
      concurrency: CONCURRENCY,
    });
    return { stats, violations };
  } finally {
    await deleteKeysWithPrefix(redis, prefix);
  }
}

/** The round with the median throughput. @template {{ stats: { ops_per_s: number } }} T @param {T[]} rounds @returns {T} */
const median = (rounds) => rounds.slice().sort((a, b) => a.stats.ops_per_s - b.stats.ops_per_s)[Math.floor(rounds.length / 2)];

async function main() {
  assertLoopback(REDIS_URL);
  const sluiceRedis = new Redis(REDIS_URL);
  const peerRedis = new Redis(REDIS_URL);
  try {
    /** @type {[string, import('../libs/rate-limit/dist/index.js').RateLimitPolicy][]} */
    const cases = [
      ['ratelimit_gcra', { algorithm: 'gcra', name: 'bench', limit: 100_000, periodMs: PERIOD_MS }],
      ['ratelimit_sliding_window', { algorithm: 'sliding-window', name: 'bench', limit: 10_000, periodMs: PERIOD_MS }],
    ];
    for (const [name, policy] of cases) {
      const sluiceRounds = [];
      const peerRounds = [];
      for (let round = 0; round < ROUNDS; round++) {
        sluiceRounds.push(await measureSluice(policy, sluiceRedis));
        peerRounds.push(await measurePeer(peerRedis));
      }
      const sluice = median(sluiceRounds);
      const peer = median(peerRounds);
      reportComparison(name, sluice.stats, 'rate-limiter-flexible', peer.stats, {
        concurrency: CONCURRENCY,
        keys: KEYS,
        rounds: ROUNDS,
        violations: sluiceRounds.reduce((n, r) => n + r.violations, 0),
        peer_violations: peerRounds.reduce((n, r) => n + r.violations, 0),
      });
    }
  } finally {
    sluiceRedis.disconnect();
    peerRedis.disconnect();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
