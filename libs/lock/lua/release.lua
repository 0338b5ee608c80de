-- Deletes the lock only for the current owner, so a late release never frees someone else's lock.
-- KEYS[1] lock key; ARGV[1] owner token
-- Returns 1 released, 0 not the owner (already expired, force-released or taken over).
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  return 1
end
return 0
