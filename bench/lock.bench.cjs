// @ts-check
// @sluice/lock against redlock 4.2.0 (one ioredis client, retryCount 0), same Redis, same
// concurrency, each with its own key prefix:
//   lock_acquire_release  acquire + release of names nobody else holds
//   lock_contended        16 callers taking turns on one name, each critical section checked for overlap
// Prints JSON lines only; the keys of both implementations are deleted afterwards.
'use strict';
const { randomBytes } = require('node:crypto');
const { Redis } = require('ioredis');
const Redlock = require('redlock');
const { RedisLock } = require('../libs/lock/dist/index.js');
const { deleteKeysWithPrefix } = require('./support/redis-keys.cjs');
const { measure, reportComparison } = require('./support/measure.cjs');

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const CONCURRENCY = 16;
const TTL_MS = 10_000;
const NAME_POOL = 1024; // far more names than ops in flight, so none is contended
const UNCONTENDED = { iterations: 20_000, warmup: 1000 };
const CONTENDED = { iterations: 3000, warmup: 200 };

function assertLoopback(/** @type {string} */ url) {
  const host = new URL(url).hostname;
  if (!['127.0.0.1', 'localhost', '[::1]', '::1'].includes(host)) throw new Error(`benchmarks only target loopback Redis, not ${host}`);
}

/** Records a violation whenever a name is taken while this process already holds it. */
function overlapTracker() {
  const held = new Set();
  let violations = 0;
  return {
    enter(/** @type {string} */ name) {
      if (held.has(name)) violations++;
      held.add(name);
    },
    leave(/** @type {string} */ name) {
      held.delete(name);
    },
    get violations() {
      return violations;
    },
  };
}


/** Runs `a` and `b` alternately twice and keeps the better run of each, so neither profits from going second. */
async function bestOfTwo(/** @type {() => Promise<import('./support/measure.cjs').Stats>} */ a, /** @type {() => Promise<import('./support/measure.cjs').Stats>} */ b) {
  const a1 = await a();
  const b1 = await b();
  const a2 = await a();
  const b2 = await b();
  const best = (/** @type {typeof a1} */ x, /** @type {typeof a1} */ y) => (x.ops_per_s >= y.ops_per_s ? x : y);
  return [best(a1, a2), best(b1, b2)];
}

async function main() {
  assertLoopback(REDIS_URL);
  const redis = new Redis(REDIS_URL);
  const run = randomBytes(4).toString('hex');
  const sluicePrefix = `sluice-bench-lock-${run}`;
  const redlockPrefix = `redlock-bench-lock-${run}`;
  const quiet = { warn: () => undefined, error: () => undefined };
  const lock = new RedisLock({ redis, prefix: sluicePrefix, logger: quiet });
  const redlock = new Redlock([redis], { retryCount: 0 });
  redlock.on('clientError', () => undefined);
  try {
    // Uncontended: distinct names, one acquire and one release each.
    const sluiceTracker = overlapTracker();
    const redlockTracker = overlapTracker();
    const sluiceUncontended = () =>
      measure({
        ...UNCONTENDED,
        concurrency: CONCURRENCY,
        op: async (i) => {
          const name = `n${i % NAME_POOL}`;
          const handle = await lock.acquire(name, { ttlMs: TTL_MS, acquireTimeoutMs: 0 });
          sluiceTracker.enter(name);
          sluiceTracker.leave(name);
          await handle.release();
        },
      });
    const redlockUncontended = () =>
      measure({
        ...UNCONTENDED,
        concurrency: CONCURRENCY,
        op: async (i) => {
          const name = `n${i % NAME_POOL}`;
          const held = await redlock.lock(`${redlockPrefix}:lock:${name}`, TTL_MS);
          redlockTracker.enter(name);
          redlockTracker.leave(name);
          await held.unlock();
        },
      });
    const [sluice, peer] = await bestOfTwo(sluiceUncontended, redlockUncontended);
    reportComparison('lock_acquire_release', sluice, 'redlock', peer, {
      concurrency: CONCURRENCY,
      violations: sluiceTracker.violations + redlockTracker.violations,
      sluice_violations: sluiceTracker.violations,
      redlock_violations: redlockTracker.violations,
    });

    // Contended: every caller wants the same name; the overlap check runs in Redis (INCR must be 1).
    const insideSluice = `${sluicePrefix}:bench:inside`;
    const insideRedlock = `${redlockPrefix}:bench:inside`;
    let contendedViolations = { sluice: 0, redlock: 0 };
    const critical = async (/** @type {string} */ insideKey, /** @type {'sluice' | 'redlock'} */ who) => {
      if ((await redis.incr(insideKey)) !== 1) contendedViolations[who]++;
      await redis.decr(insideKey);
    };
    const contendedRedlock = new Redlock([redis], { retryCount: 10_000, retryDelay: 10, retryJitter: 10 });
    contendedRedlock.on('clientError', () => undefined);
    const sluiceContended = () =>
      measure({
        ...CONTENDED,
        concurrency: CONCURRENCY,
        op: () => lock.withLock('hot', () => critical(insideSluice, 'sluice'), { ttlMs: TTL_MS, acquireTimeoutMs: 30_000 }),
      });
    const redlockContended = () =>
      measure({
        ...CONTENDED,
        concurrency: CONCURRENCY,
        op: async () => {
          const held = await contendedRedlock.lock(`${redlockPrefix}:lock:hot`, TTL_MS);
          try {
            await critical(insideRedlock, 'redlock');
          } finally {
            await held.unlock();
          }
        },
      });
    const [sluiceHot, peerHot] = await bestOfTwo(sluiceContended, redlockContended);
    reportComparison('lock_contended', sluiceHot, 'redlock', peerHot, {
      concurrency: CONCURRENCY,
      violations: contendedViolations.sluice + contendedViolations.redlock,
      sluice_violations: contendedViolations.sluice,
      redlock_violations: contendedViolations.redlock,
      redlock_retry: { retryDelay: 10, retryJitter: 10 },
    });
  } finally {
    await deleteKeysWithPrefix(redis, sluicePrefix);
    await deleteKeysWithPrefix(redis, redlockPrefix);
    redis.disconnect();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
