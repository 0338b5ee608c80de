import { BOOKKEEPING_LUA } from './bookkeeping.lua';

/**
 * KEYS: counters, index, sizes, value, then one set per tag.
 * ARGV: the cache key, the stored bytes, ttl ms, '1' to store only where absent (Warm).
 * Value, tag membership, index and counters change in one step, so a tag invalidation finds
 * every key set with the tag. A tag set lives as long as its longest-lived key.
 * Returns 1 when stored, 0 when skipped because the key was present.
 */
export const SET_ENTRY_LUA = `${BOOKKEEPING_LUA}
local member, ttl = ARGV[1], tonumber(ARGV[3])
local now = now_ms()
reap(now, 8)
if ARGV[4] == '1' then
  if not redis.call('SET', KEYS[4], ARGV[2], 'PX', ttl, 'NX') then
    redis.call('HINCRBY', KEYS[1], 'warmSkipped', 1)
    return 0
  end
else
  redis.call('SET', KEYS[4], ARGV[2], 'PX', ttl)
end
forget_and_classify(member, now, nil)
local size = string.len(ARGV[2])
redis.call('HSET', KEYS[3], member, size)
redis.call('ZADD', KEYS[2], now + ttl, member)
redis.call('HINCRBY', KEYS[1], 'bytes', size)
redis.call('HINCRBY', KEYS[1], 'sets', 1)
for i = 5, #KEYS do
  redis.call('SADD', KEYS[i], member)
  if redis.call('PTTL', KEYS[i]) < ttl then redis.call('PEXPIRE', KEYS[i], ttl) end
end
return 1
`;
