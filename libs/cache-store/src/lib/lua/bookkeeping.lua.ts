/**
 * Lua shared by the scripts: the clock, and keeping the expiry index (sorted set key → expiry ms),
 * the sizes hash and the counters in step with the values. Every script receives
 * KEYS[1] = counters, KEYS[2] = expiry index, KEYS[3] = sizes.
 */
export const BOOKKEEPING_LUA = `
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

-- Removes a key from the index and sizes, subtracting its bytes. Returns its expiry score or nil.
local function forget(member)
  local score = redis.call('ZSCORE', KEYS[2], member)
  if not score then return nil end
  local size = tonumber(redis.call('HGET', KEYS[3], member)) or 0
  redis.call('HDEL', KEYS[3], member)
  redis.call('ZREM', KEYS[2], member)
  if size ~= 0 then redis.call('HINCRBY', KEYS[1], 'bytes', -size) end
  return tonumber(score)
end

-- Redis drops a key once now > its expiry, so an index score below now is an expiration.
local function forget_and_classify(member, now, gone_early_counter)
  local score = forget(member)
  if not score then return end
  if score < now then
    redis.call('HINCRBY', KEYS[1], 'expirations', 1)
  elseif gone_early_counter then
    redis.call('HINCRBY', KEYS[1], gone_early_counter, 1)
  end
end

-- Forgets up to limit keys whose expiry passed, counting them as expirations.
local function reap(now, limit)
  local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', '(' .. now, 'LIMIT', 0, limit)
  for _, member in ipairs(expired) do forget(member) end
  if #expired > 0 then redis.call('HINCRBY', KEYS[1], 'expirations', #expired) end
  return #expired
end
`;
