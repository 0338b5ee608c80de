// @ts-check
// Child process of redis-lock-processes.int-spec.ts: takes a lock with automatic extension with the
// BUILT library, reports it over IPC, waits until its signal aborts (the test pauses this process
// with SIGSTOP meanwhile), reports why, then releases late and reports what the release answered.
'use strict';
const { Redis } = require('ioredis');
const { RedisLock } = require('../dist/index.js');

const send = (/** @type {Record<string, unknown>} */ message) => new Promise((resolve) => process.send?.(message, resolve));

async function main() {
  const { REDIS_URL, LOCK_PREFIX, LOCK_NAME, TTL_MS } = process.env;
  if (!REDIS_URL || !LOCK_PREFIX || !LOCK_NAME || !TTL_MS) throw new Error('REDIS_URL, LOCK_PREFIX, LOCK_NAME and TTL_MS are required');
  const redis = new Redis(REDIS_URL);
  const quiet = { warn: () => undefined, error: () => undefined };
  const lock = new RedisLock({ redis, prefix: LOCK_PREFIX, owner: `holder-${process.pid}`, logger: quiet });
  const handle = await lock.acquire(LOCK_NAME, { ttlMs: Number(TTL_MS), acquireTimeoutMs: 0 });
  await send({ type: 'holding', fence: handle.fence, token: handle.token });
  // Bounded: if the signal never fired, the test fails on the 'lost' message instead of hanging.
  const aborted = await new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), 30_000);
    handle.signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve(true);
    }, { once: true });
  });
  const reason = handle.signal.reason;
  await send({ type: 'lost', aborted, errorName: reason?.name, reason: reason?.reason });
  const released = await handle.release();
  await send({ type: 'released', released });
  await redis.quit();
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
