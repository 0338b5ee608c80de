import type { ChainableCommander, Redis } from 'ioredis';
import { GET_ENTRY_LUA } from './lua/get-entry.lua';
import { REAP_EXPIRED_LUA } from './lua/reap-expired.lua';
import { REMOVE_ENTRIES_LUA } from './lua/remove-entries.lua';
import { SET_ENTRY_LUA } from './lua/set-entry.lua';

const SCRIPTS = {
  sluiceCacheGetEntry: GET_ENTRY_LUA,
  sluiceCacheSetEntry: SET_ENTRY_LUA,
  sluiceCacheRemoveEntries: REMOVE_ENTRIES_LUA,
  sluiceCacheReapExpired: REAP_EXPIRED_LUA,
} as const;

export type CacheScriptName = keyof typeof SCRIPTS;
type ScriptArg = string | number | Buffer;
type ScriptFunction = (numberOfKeys: number, ...args: ScriptArg[]) => unknown;

/**
 * The store's Lua scripts, registered once per Redis client with ioredis's `defineCommand` (EVALSHA,
 * loading the script again after a Redis restart, in pipelines too).
 */
export class CacheScripts {
  constructor(redis: Redis) {
    for (const [name, lua] of Object.entries(SCRIPTS)) redis.defineCommand(name, { lua });
  }

  /** Runs a script on the client (returns the reply) or queues it on a pipeline. */
  call(target: Redis | ChainableCommander, name: CacheScriptName, keys: readonly string[], args: readonly ScriptArg[], buffers = false): unknown {
    const fn = (target as unknown as Record<string, ScriptFunction>)[buffers ? `${name}Buffer` : name];
    return fn.call(target, keys.length, ...keys, ...args);
  }
}
