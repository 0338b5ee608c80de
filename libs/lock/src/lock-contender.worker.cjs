// @ts-check
// Child process of redis-lock-processes.int-spec.ts: runs CALLS concurrent withLock calls on one
// name with the BUILT library, and checks the critical section in Redis (never assumed):
//   INCR <inside> must answer 1 on entry and DECR must answer 0 on exit, otherwise a violation is
//   pushed to <violations>; each section also makes one fenced write, which a Lua script accepts
//   only if its fence is above the last accepted one (accepted/rejected fences go to two lists).
'use strict';
const { Redis } = require('ioredis');
const { RedisLock } = require('../dist/index.js');

const FENCED_WRITE = `
local fence = tonumber(ARGV[1])
local last = tonumber(redis.call('GET', KEYS[1]) or '0')
if fence > last then
  redis.call('SET', KEYS[1], ARGV[1])
  redis.call('RPUSH', KEYS[2], ARGV[1])
  return 1
end
redis.call('RPUSH', KEYS[3], ARGV[1])
return 0
`;

async function main() {
  const { REDIS_URL, LOCK_PREFIX, LOCK_NAME, CALLS } = process.env;
  if (!REDIS_URL || !LOCK_PREFIX || !LOCK_NAME || !CALLS) throw new Error('REDIS_URL, LOCK_PREFIX, LOCK_NAME and CALLS are required');
  const redis = new Redis(REDIS_URL);
  const keys = {
    inside: `${LOCK_PREFIX}:test:inside`,
    violations: `${LOCK_PREFIX}:test:violations`,
    last: `${LOCK_PREFIX}:test:last-fence`,
    accepted: `${LOCK_PREFIX}:test:accepted`,
    rejected: `${LOCK_PREFIX}:test:rejected`,
  };
  const lock = new RedisLock({ redis, prefix: LOCK_PREFIX, owner: `contender-${process.pid}` });
  let lost = 0;
  let failed = 0;
  const critical = async (/** @type {{ fence: number, signal: AbortSignal }} */ { fence, signal }) => {
    const entered = await redis.incr(keys.inside);
    if (entered !== 1) await redis.rpush(keys.violations, `pid ${process.pid} fence ${fence} entered with ${entered} inside`);
    await new Promise((resolve) => setTimeout(resolve, 1)); // async work while holding the lock
    await redis.eval(FENCED_WRITE, 3, keys.last, keys.accepted, keys.rejected, fence);
    const left = await redis.decr(keys.inside);
    if (left !== 0) await redis.rpush(keys.violations, `pid ${process.pid} fence ${fence} left with ${left} inside`);
    if (signal.aborted) lost++;
  };
  const results = await Promise.allSettled(
    Array.from({ length: Number(CALLS) }, () => lock.withLock(LOCK_NAME, critical, { ttlMs: 5_000, acquireTimeoutMs: 50_000 })),
  );
  for (const result of results) {
    if (result.status === 'rejected') {
      failed++;
      console.error(result.reason);
    }
  }
  await redis.quit();
  process.send?.({ pid: process.pid, done: results.length - failed, failed, lost });
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
