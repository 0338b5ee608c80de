import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Redis } from 'ioredis';

// libs/rate-limit/lua is two levels up from both src/lib (Jest) and dist/lib (built code); tsc
// does not copy .lua files, so they are read from the package folder itself.
const LUA_DIR = join(__dirname, '..', '..', 'lua');

export type ScriptName = 'gcra' | 'sliding-window';

export interface ScriptCall {
  readonly name: ScriptName;
  readonly key: string;
  readonly args: readonly (string | number)[];
}

/** One call's outcome: its reply, or the error Redis answered for it. */
export type ScriptOutcome = { readonly reply: unknown; readonly error?: undefined } | { readonly error: Error };

interface LoadedScript {
  readonly source: string;
  readonly sha: string;
}

const isNoScript = (error: unknown): boolean => error instanceof Error && error.message.startsWith('NOSCRIPT');

/**
 * The limiter's Lua scripts, read once per process and run with EVALSHA. A server that does not
 * know a script (after a restart, a failover or SCRIPT FLUSH) answers NOSCRIPT; the call is then
 * repeated with EVAL, which also caches the script on the server for the next EVALSHA.
 */
export class RateLimitScripts {
  private static loaded?: RateLimitScripts;

  static load(): RateLimitScripts {
    RateLimitScripts.loaded ??= new RateLimitScripts();
    return RateLimitScripts.loaded;
  }

  private readonly scripts: Readonly<Record<ScriptName, LoadedScript>>;

  private constructor() {
    const read = (name: ScriptName): LoadedScript => {
      const source = readFileSync(join(LUA_DIR, `${name}.lua`), 'utf8');
      return { source, sha: createHash('sha1').update(source).digest('hex') };
    };
    this.scripts = { gcra: read('gcra'), 'sliding-window': read('sliding-window') };
  }

  sha(name: ScriptName): string {
    return this.scripts[name].sha;
  }

  /**
   * Runs every call, in order, in one pipeline (one write and one round trip for all of them);
   * each call is still its own atomic script. Rejects only when the pipeline itself fails (no
   * connection); an error Redis answers for one call is that call's outcome.
   */
  async runAll(redis: Redis, calls: readonly ScriptCall[]): Promise<ScriptOutcome[]> {
    const first = await this.pipeline(redis, calls, 'evalsha');
    const missing = first.flatMap((outcome, i) => (outcome.error && isNoScript(outcome.error) ? [i] : []));
    if (missing.length === 0) return first;
    const retried = await this.pipeline(
      redis,
      missing.map((i) => calls[i]),
      'eval',
    );
    missing.forEach((callIndex, j) => (first[callIndex] = retried[j]));
    return first;
  }

  private async pipeline(redis: Redis, calls: readonly ScriptCall[], how: 'evalsha' | 'eval'): Promise<ScriptOutcome[]> {
    if (calls.length === 1) {
      const { name, key, args } = calls[0];
      const script = this.scripts[name];
      try {
        const reply = how === 'evalsha' ? await redis.evalsha(script.sha, 1, key, ...args) : await redis.eval(script.source, 1, key, ...args);
        return [{ reply }];
      } catch (error) {
        // A reply error is this call's outcome; a lost connection fails the whole batch.
        if (error instanceof Error && error.name === 'ReplyError') return [{ error }];
        throw error;
      }
    }
    const pipeline = redis.pipeline();
    for (const { name, key, args } of calls) {
      const script = this.scripts[name];
      if (how === 'evalsha') pipeline.evalsha(script.sha, 1, key, ...args);
      else pipeline.eval(script.source, 1, key, ...args);
    }
    const results = await pipeline.exec();
    if (!results) throw new Error('Redis discarded the rate-limit pipeline');
    return results.map(([error, reply]) => (error ? { error } : { reply }));
  }
}
