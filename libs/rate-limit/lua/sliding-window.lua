--[[
  One exact sliding-window decision (the same rule as src/lib/sliding-window.ts), atomic because
  it is one script.

  KEYS[1]  sorted set: one member per admitted unit, scored by its admission time in
           microseconds of Redis server time
  ARGV[1]  limit
  ARGV[2]  period in microseconds
  ARGV[3]  cost
  ARGV[4]  a member prefix unique to this call (members must differ even within one microsecond)

  Returns { allowed (1/0), remaining, retry_after_ms, reset_after_ms, now_us }.

  An entry admitted at t counts while now < t + period, so no window of `period` ever holds more
  than `limit` entries. Redis >= 5 replicates script effects, so TIME before writes is allowed.
]]
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
local limit = tonumber(ARGV[1])
local period = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])

-- '%.0f' keeps every digit: tostring() would print only 14 significant ones.
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', string.format('%.0f', now - period))
local count = redis.call('ZCARD', KEYS[1])

if count + cost > limit then
  -- The (count + cost - limit)-th oldest entry has to leave the window first.
  local index = count + cost - limit - 1
  local leaving = redis.call('ZRANGE', KEYS[1], index, index, 'WITHSCORES')
  local newest = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
  local retry = tonumber(leaving[2]) + period - now
  local reset = tonumber(newest[2]) + period - now
  return { 0, math.max(limit - count, 0), math.ceil(retry / 1000), math.ceil(reset / 1000), now }
end

local score = string.format('%.0f', now)
local added = 0
-- ZADD in chunks: unpack() of a huge table would overflow the Lua stack.
while added < cost do
  local args = {}
  local n = math.min(500, cost - added)
  for i = 1, n do
    args[2 * i - 1] = score
    args[2 * i] = ARGV[4] .. (added + i)
  end
  redis.call('ZADD', KEYS[1], unpack(args))
  added = added + n
end
local period_ms = math.ceil(period / 1000)
redis.call('PEXPIRE', KEYS[1], period_ms)
return { 1, limit - count - cost, 0, period_ms, now }
