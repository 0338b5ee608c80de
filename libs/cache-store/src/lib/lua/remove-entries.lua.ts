import { BOOKKEEPING_LUA } from './bookkeeping.lua';

/**
 * KEYS: counters, index, sizes, then n value keys, then optionally the tag set they came from.
 * ARGV: the counter to add removed keys to ('deletes' or 'invalidations'), n, then the n cache keys.
 * Unlinks the values, forgets them in the index and, with a tag set, removes them from it — all
 * in one step, so a crash between batches leaves every not-yet-removed key still in its tag set.
 * Returns how many values existed.
 */
export const REMOVE_ENTRIES_LUA = `${BOOKKEEPING_LUA}
local n = tonumber(ARGV[2])
local now = now_ms()
local removed = 0
for i = 1, n do
  removed = removed + redis.call('UNLINK', KEYS[3 + i])
  forget_and_classify(ARGV[2 + i], now, nil)
end
if KEYS[4 + n] and n > 0 then redis.call('SREM', KEYS[4 + n], unpack(ARGV, 3, 2 + n)) end
if removed > 0 then redis.call('HINCRBY', KEYS[1], ARGV[1], removed) end
return removed
`;
