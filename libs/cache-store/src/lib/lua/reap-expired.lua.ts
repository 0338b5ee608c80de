import { BOOKKEEPING_LUA } from './bookkeeping.lua';

/** KEYS: counters, index, sizes. ARGV: most keys to reap. Returns how many expired keys were forgotten. */
export const REAP_EXPIRED_LUA = `${BOOKKEEPING_LUA}
return reap(now_ms(), tonumber(ARGV[1]))
`;
