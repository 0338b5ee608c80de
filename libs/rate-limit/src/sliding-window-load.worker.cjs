// @ts-check
// One load process for sliding-window.int-spec.ts: runs `concurrency` request loops against one key
// through the BUILT library until the deadline, then reports every admission's Redis server time.
'use strict';
const { Redis } = require('ioredis');
const { RateLimiter } = require('../dist/index.js');

process.once('message', async (/** @type {any} */ task) => {
  const redis = new Redis(task.redisUrl, { maxRetriesPerRequest: 1 });
  const limiter = new RateLimiter({ redis, prefix: task.prefix, policy: task.policy, commandTimeoutMs: 10_000 });
  /** @type {number[]} */
  const admitted = [];
  let denied = 0;
  let fallback = 0;
  let errors = 0;
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, task.startAt - Date.now())));
  const deadline = Date.now() + task.durationMs;
  const loop = async () => {
    while (Date.now() < deadline) {
      try {
        const result = await limiter.consume(task.key);
        if (result.backend !== 'redis') fallback++;
        if (result.allowed) admitted.push(result.decidedAtMs);
        else denied++;
      } catch {
        errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: task.concurrency }, loop));
  limiter.close();
  await redis.quit();
  process.send?.({ admitted, denied, fallback, errors }, () => process.exit(0));
});
