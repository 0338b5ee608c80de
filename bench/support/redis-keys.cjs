// @ts-check
'use strict';

/** Deletes every key under `<prefix>:` after a benchmark — SCAN in batches and UNLINK, never KEYS. */
async function deleteKeysWithPrefix(/** @type {import('ioredis').Redis} */ redis, /** @type {string} */ prefix) {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    if (keys.length > 0) await redis.unlink(...keys);
    cursor = next;
  } while (cursor !== '0');
}

module.exports = { deleteKeysWithPrefix };
