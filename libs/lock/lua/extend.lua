-- Pushes the expiry to ttl ms from now, only for the current owner.
-- KEYS[1] lock key; ARGV[1] owner token, ARGV[2] ttl in ms
-- Returns 1 extended, 0 the lock is gone (expired or force-released), -1 someone else holds it.
local current = redis.call('GET', KEYS[1])
if current == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
if current then
  return -1
end
return 0
