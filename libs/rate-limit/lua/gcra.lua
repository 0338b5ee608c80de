--[[
  One GCRA decision (the same maths as src/lib/gcra.ts), atomic because it is one script.

  KEYS[1]  the key's theoretical arrival time (TAT), in microseconds of Redis server time
  ARGV[1]  emission interval in microseconds (periodMs * 1000 / limit; may be fractional)
  ARGV[2]  burst
  ARGV[3]  cost
  ARGV[4]  reserve up to, in microseconds (0: a plain decision). A request that would be refused
           but fits within it is admitted for later instead: retry_after_ms is then how far ahead.

  Returns { allowed (1/0), remaining, retry_after_ms, reset_after_ms, now_us, admitted_at_us }:
  admitted_at_us is now_us, or for a reservation the exact time it is admitted for.

  The clock is Redis's TIME, so clients' clocks do not matter. Redis >= 5 replicates a script's
  effects rather than the script, so reading TIME before writing is allowed without
  redis.replicate_commands() (a no-op on Redis 7).
]]
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
local interval = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local reserve_up_to = tonumber(ARGV[4] or '0')
local capacity = burst * interval
-- TAT is a double near 1.7e15 us (0.25 us spacing): half a microsecond of slack keeps rounding
-- from refusing a request that arrives exactly on time.
local epsilon = 0.5

-- Work with the backlog (TAT - now): a difference of nearby doubles is exact and small.
local backlog = 0
local stored = redis.call('GET', KEYS[1])
if stored then
  backlog = math.max(tonumber(stored) - now, 0)
end
local new_backlog = backlog + cost * interval

local wait = new_backlog - capacity
if wait > epsilon and wait <= reserve_up_to then
  local reset_ms = math.ceil(new_backlog / 1000)
  redis.call('SET', KEYS[1], string.format('%.3f', now + new_backlog), 'PX', reset_ms)
  return { 1, 0, math.ceil(wait / 1000), reset_ms, now, now + wait }
end

if wait > epsilon then
  local remaining = math.floor((capacity - backlog + epsilon) / interval)
  return { 0, remaining, math.ceil((new_backlog - capacity) / 1000), math.ceil(backlog / 1000), now, now }
end

local reset_ms = math.ceil(new_backlog / 1000)
-- '%.3f' keeps every digit: tostring() would print only 14 significant ones.
redis.call('SET', KEYS[1], string.format('%.3f', now + new_backlog), 'PX', reset_ms)
local remaining = math.floor((capacity - new_backlog + epsilon) / interval)
return { 1, remaining, 0, reset_ms, now, now }
