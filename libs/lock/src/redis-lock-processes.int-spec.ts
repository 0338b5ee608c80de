import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { uniquePrefix } from '@sluice/testing';
import { Redis } from 'ioredis';
import { RedisLock, type LockLogger } from './index';
import { buildLockDist, deleteKeysWithPrefix, testRedisUrl } from './testing';

const quiet: LockLogger = { warn: () => undefined, error: () => undefined };
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface WorkerReport {
  readonly pid: number;
  readonly done: number;
  readonly failed: number;
  readonly lost: number;
}

/** Resolves with the first IPC message that passes `match`, or fails after `timeoutMs`. */
function nextMessage<T>(child: ChildProcess, match: (message: T) => boolean, timeoutMs: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: T) => {
      if (!match(message)) return;
      cleanup();
      resolve(message);
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`worker ${child.pid} exited with ${code} before the expected message`));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`no expected message from worker ${child.pid} within ${timeoutMs} ms`));
    }, timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

describe('RedisLock across processes (real Redis, built library)', () => {
  jest.setTimeout(60_000);
  let redis: Redis;
  let prefix: string;
  const children: ChildProcess[] = [];

  function spawnWorker(script: string, env: Record<string, string>): ChildProcess {
    const child = fork(join(__dirname, script), [], { env: { ...process.env, REDIS_URL: testRedisUrl(), ...env }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    children.push(child);
    return child;
  }

  beforeAll(() => {
    buildLockDist();
    redis = new Redis(testRedisUrl());
  }, 120_000);
  beforeEach(() => {
    prefix = uniquePrefix('lock');
  });
  afterEach(async () => {
    for (const child of children.splice(0)) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGCONT');
        child.kill('SIGKILL');
        await exited(child);
      }
    }
    await deleteKeysWithPrefix(redis, prefix);
  });
  afterAll(async () => {
    await redis.quit();
  });

  it('4 processes x 200 concurrent withLock calls on one name: no overlap, 800 fenced writes accepted in strictly increasing order', async () => {
    const workers = Array.from({ length: 4 }, () => spawnWorker('lock-contender.worker.cjs', { LOCK_PREFIX: prefix, LOCK_NAME: 'shared-job', CALLS: '200' }));
    const reports = await Promise.all(workers.map((w) => nextMessage<WorkerReport>(w, (m) => typeof m === 'object' && 'done' in m, 58_000)));
    expect(await Promise.all(workers.map(exited))).toEqual([0, 0, 0, 0]);

    expect(reports.map((r) => [r.done, r.failed, r.lost])).toEqual([
      [200, 0, 0],
      [200, 0, 0],
      [200, 0, 0],
      [200, 0, 0],
    ]);
    expect(await redis.lrange(`${prefix}:test:violations`, 0, -1)).toEqual([]);
    expect(await redis.llen(`${prefix}:test:rejected`)).toBe(0);
    const accepted = (await redis.lrange(`${prefix}:test:accepted`, 0, -1)).map(Number);
    expect(accepted).toHaveLength(800);
    for (let i = 1; i < accepted.length; i++) expect(accepted[i]).toBeGreaterThan(accepted[i - 1]);
    expect(await redis.get(`${prefix}:test:inside`)).toBe('0');
    expect(await redis.exists(`${prefix}:lock:shared-job`)).toBe(0);
  });

  it('a holder paused past its TTL gets its signal aborted, and its late release leaves the new owner lock alone', async () => {
    const ttlMs = 1_000;
    const holder = spawnWorker('lock-holder.worker.cjs', { LOCK_PREFIX: prefix, LOCK_NAME: 'leader', TTL_MS: String(ttlMs) });
    const lostMessage = nextMessage<{ type: string; aborted?: boolean; errorName?: string; reason?: string }>(holder, (m) => m.type === 'lost', 50_000);
    const releasedMessage = nextMessage<{ type: string; released?: boolean }>(holder, (m) => m.type === 'released', 50_000);
    const holding = await nextMessage<{ type: string; fence: number; token: string }>(holder, (m) => m.type === 'holding', 20_000);
    await pause(ttlMs); // it extends on its own meanwhile
    expect(await redis.get(`${prefix}:lock:leader`)).toBe(holding.token);

    holder.kill('SIGSTOP');
    const lock = new RedisLock({ redis, prefix, owner: 'new-owner', logger: quiet });
    const started = Date.now();
    const next = await lock.acquire('leader', { ttlMs: 10_000, acquireTimeoutMs: 10_000, autoExtend: false });
    expect(Date.now() - started).toBeGreaterThan(ttlMs / 3); // it had to wait for the paused lease to run out
    expect(next.fence).toBeGreaterThan(holding.fence);
    await pause(200);
    holder.kill('SIGCONT');

    const lost = await lostMessage;
    expect(lost.aborted).toBe(true);
    expect(lost.errorName).toBe('LockLostError');
    expect(['lease-elapsed', 'taken']).toContain(lost.reason);
    expect((await releasedMessage).released).toBe(false);
    expect(await exited(holder)).toBe(0);

    expect(await redis.get(`${prefix}:lock:leader`)).toBe(next.token);
    await next.extend();
    expect(await redis.pttl(`${prefix}:lock:leader`)).toBeGreaterThan(5_000);
    expect(await next.release()).toBe(true);
  });
});
