import { RedisScript } from './redis-script';

// Every script reads Redis's clock (TIME), so replicas' clocks never matter. Times are epoch ms.
const NOW = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

/**
 * The host's penalty gate: KEYS[1] holds the time before which no request may start (set by
 * Retry-After and backoff). Returns the ms until it opens, 0 when it is open.
 */
export const GATE_SCRIPT = new RedisScript(`${NOW}
local nextAt = tonumber(redis.call('GET', KEYS[1]) or '0')
return math.max(0, nextAt - now)`);

/**
 * Closes the gate KEYS[1] for a penalty; KEYS[2] counts strikes for the exponential backoff.
 * ARGV[1] = the server's Retry-After in ms (-1 when none), ARGV[2] = base backoff, ARGV[3] = cap.
 * While a penalty is already running, a response without Retry-After adds no strike (the requests
 * that were in flight together fail together), so the backoff grows per penalty, not per request.
 * Returns the delay in force from now.
 */
export const PENALIZE_SCRIPT = new RedisScript(`${NOW}
local nextAt = tonumber(redis.call('GET', KEYS[1]) or '0')
local retryAfter = tonumber(ARGV[1])
local base = tonumber(ARGV[2])
local cap = tonumber(ARGV[3])
local delay
if retryAfter >= 0 then
  delay = math.min(retryAfter, cap)
elseif nextAt > now then
  return nextAt - now
else
  local strikes = redis.call('INCR', KEYS[2])
  delay = math.min(cap, math.floor(base * 2 ^ math.min(strikes - 1, 40)))
  redis.call('PEXPIRE', KEYS[2], math.max(delay * 2, base * 4))
end
if delay > 0 and now + delay > nextAt then
  redis.call('SET', KEYS[1], now + delay, 'PX', delay)
end
return math.max(delay, nextAt - now)`);

/** What TAKE_SLOT_SCRIPT answered: `[verdict, ms]`. */
export const SLOT_TAKEN = 0;
export const GATE_CLOSED = 1;
export const SLOTS_FULL = 2;

/**
 * The host's penalty gate and a lease-based semaphore in one round trip. KEYS[1] is a sorted set
 * of slot holders scored by lease expiry, KEYS[2] the gate (see GATE_SCRIPT). Expired leases
 * (their holder crashed or stalled) are dropped first. ARGV[1] = token, ARGV[2] = capacity,
 * ARGV[3] = lease ms. Returns {SLOT_TAKEN, 0}; {GATE_CLOSED, ms until it opens} without taking a
 * slot; or {SLOTS_FULL, ms until the oldest lease expires}.
 */
export const TAKE_SLOT_SCRIPT = new RedisScript(`${NOW}
local gateAt = tonumber(redis.call('GET', KEYS[2]) or '0')
if gateAt > now then return {${GATE_CLOSED}, gateAt - now} end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local lease = tonumber(ARGV[3])
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], now + lease, ARGV[1])
  redis.call('PEXPIRE', KEYS[1], lease)
  return {${SLOT_TAKEN}, 0}
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return {${SLOTS_FULL}, math.max(1, tonumber(oldest[2]) - now)}`);

/** Extends the lease of ARGV[1] by ARGV[2] ms if it still holds one; returns 1 if it did, 0 if the lease was lost. */
export const RENEW_SLOT_SCRIPT = new RedisScript(`${NOW}
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then return 0 end
local lease = tonumber(ARGV[2])
redis.call('ZADD', KEYS[1], 'XX', now + lease, ARGV[1])
if redis.call('PTTL', KEYS[1]) < lease then redis.call('PEXPIRE', KEYS[1], lease) end
return 1`);
