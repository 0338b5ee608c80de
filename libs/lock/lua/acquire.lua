-- Takes the lock if nobody holds it, and hands out the next fencing token in the same step.
-- KEYS[1] lock key: value = owner token, expires with the lease
-- KEYS[2] state hash, never expires: 'fence' counter (so tokens keep growing across holders), and
--         'token', 'owner', 'acquiredAt' of the latest holder (read by list())
-- ARGV[1] owner token, ARGV[2] ttl in ms, ARGV[3] owner description
-- Returns {1, fence} when acquired, {0, pttl of the current holder} otherwise.
if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  -- Our own token: an earlier attempt with this token succeeded but its reply was lost on the way.
  if redis.call('GET', KEYS[1]) == ARGV[1] then
    redis.call('PEXPIRE', KEYS[1], ARGV[2])
    return {1, tonumber(redis.call('HGET', KEYS[2], 'fence'))}
  end
  return {0, redis.call('PTTL', KEYS[1])}
end
local fence = redis.call('HINCRBY', KEYS[2], 'fence', 1)
local now = redis.call('TIME')
local acquired_at = now[1] .. string.format('%03d', math.floor(tonumber(now[2]) / 1000))
redis.call('HSET', KEYS[2], 'token', ARGV[1], 'owner', ARGV[3], 'acquiredAt', acquired_at)
return {1, fence}
