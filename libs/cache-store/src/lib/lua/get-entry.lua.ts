import { BOOKKEEPING_LUA } from './bookkeeping.lua';

/**
 * KEYS: counters, index, sizes, value. ARGV: the cache key.
 * Returns {value, pttl} and counts a hit, or nil and counts a miss; a miss on a key the index
 * still holds is an expiration (past its time) or an eviction (Redis dropped it early).
 */
export const GET_ENTRY_LUA = `${BOOKKEEPING_LUA}
local value = redis.call('GET', KEYS[4])
if value then
  redis.call('HINCRBY', KEYS[1], 'hits', 1)
  return { value, redis.call('PTTL', KEYS[4]) }
end
redis.call('HINCRBY', KEYS[1], 'misses', 1)
forget_and_classify(ARGV[1], now_ms(), 'evictions')
return false
`;
