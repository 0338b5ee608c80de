import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import type { LockKeys } from './lock-keys';

// The .lua files sit in libs/lock/lua, two levels up from both src/lib (tests) and dist/lib (build).
const LUA_DIR = join(__dirname, '..', '..', 'lua');

interface LuaScript {
  readonly lua: string;
  readonly sha: string;
}

type ScriptName = 'acquire' | 'extend' | 'release';

let loaded: Readonly<Record<ScriptName, LuaScript>> | undefined;

function loadScripts(): Readonly<Record<ScriptName, LuaScript>> {
  if (!loaded) {
    const load = (name: ScriptName): LuaScript => {
      const lua = readFileSync(join(LUA_DIR, `${name}.lua`), 'utf8');
      return { lua, sha: createHash('sha1').update(lua).digest('hex') };
    };
    loaded = { acquire: load('acquire'), extend: load('extend'), release: load('release') };
  }
  return loaded;
}

export type AcquireReply = { readonly acquired: true; readonly fence: number } | { readonly acquired: false; readonly holderTtlMs: number };

/** 1 extended, 0 the key is gone, -1 another owner's token is in it. */
export type ExtendReply = 1 | 0 | -1;

const isNoScript = (error: unknown): boolean => error instanceof Error && error.message.startsWith('NOSCRIPT');

/**
 * The lock's Lua scripts, read once per process from `libs/lock/lua`. Each call is one EVALSHA; when
 * Redis answers NOSCRIPT (after a restart or SCRIPT FLUSH) the same call is sent once more as EVAL,
 * which also puts the script back into Redis's cache.
 */
export class LockScripts {
  private readonly scripts = loadScripts();

  constructor(private readonly redis: Redis) {}

  async acquire(keys: LockKeys, token: string, ttlMs: number, owner: string): Promise<AcquireReply> {
    const [ok, value] = (await this.run('acquire', [keys.lock, keys.state], [token, ttlMs, owner])) as [number, number];
    return ok === 1 ? { acquired: true, fence: value } : { acquired: false, holderTtlMs: value };
  }

  async extend(keys: LockKeys, token: string, ttlMs: number): Promise<ExtendReply> {
    return (await this.run('extend', [keys.lock], [token, ttlMs])) as ExtendReply;
  }

  async release(keys: LockKeys, token: string): Promise<boolean> {
    return (await this.run('release', [keys.lock], [token])) === 1;
  }

  private async run(name: ScriptName, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
    const { sha, lua } = this.scripts[name];
    try {
      return await this.redis.evalsha(sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!isNoScript(error)) throw error;
      return this.redis.eval(lua, keys.length, ...keys, ...args);
    }
  }
}
