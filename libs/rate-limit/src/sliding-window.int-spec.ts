import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { uniquePrefix } from '@sluice/testing';
import { Redis } from 'ioredis';

const ROOT = join(__dirname, '..', '..', '..');
const PROCESSES = 4;
const CONCURRENCY_PER_PROCESS = 250; // 1 000 requests in flight at any time
const LIMIT = 100;
const PERIOD_MS = 1_000;
const LOAD_MS = 3_000;

interface WorkerReport {
  admitted: number[];
  denied: number;
  fallback: number;
  errors: number;
}

function runWorker(task: Record<string, unknown>): { child: ChildProcess; report: Promise<WorkerReport> } {
  const child = fork(join(__dirname, 'sliding-window-load.worker.cjs'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const report = new Promise<WorkerReport>((resolve, reject) => {
    child.once('message', (m) => resolve(m as WorkerReport));
    child.once('exit', (code) => reject(new Error(`load worker exited with ${code} before reporting`)));
  });
  child.send(task);
  return { child, report };
}

describe('sliding window under concurrent load from several processes', () => {
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const prefix = uniquePrefix('ratelimit-sw');
  const children: ChildProcess[] = [];

  beforeAll(() => {
    // Workers run the built library (they cannot use Jest's TypeScript transform); tsc -b is a no-op when dist is fresh.
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-b', 'libs/rate-limit'], { cwd: ROOT, stdio: 'inherit' });
  }, 60_000);

  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it('never admits more than 100 in any one-second window while 1 000 requests compete for 3 s', async () => {
    const task = {
      redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      prefix,
      key: 'tenant-under-load',
      policy: { algorithm: 'sliding-window', limit: LIMIT, periodMs: PERIOD_MS },
      concurrency: CONCURRENCY_PER_PROCESS,
      durationMs: LOAD_MS,
      startAt: Date.now() + 1_500,
    };
    const workers = Array.from({ length: PROCESSES }, () => runWorker(task));
    children.push(...workers.map((w) => w.child));
    const reports = await Promise.all(workers.map((w) => w.report));

    expect(reports.reduce((n, r) => n + r.errors, 0)).toBe(0);
    expect(reports.reduce((n, r) => n + r.fallback, 0)).toBe(0);
    const denied = reports.reduce((n, r) => n + r.denied, 0);
    expect(denied).toBeGreaterThan(1_000); // the limit really was contended

    // Admission times are Redis server times (µs precision), so they are comparable across processes.
    const admitted = reports.flatMap((r) => r.admitted).sort((a, b) => a - b);
    let worstWindow = 0;
    for (let i = 0; i < admitted.length; i++) {
      let j = i;
      while (j < admitted.length && admitted[j] < admitted[i] + PERIOD_MS) j++;
      worstWindow = Math.max(worstWindow, j - i);
    }
    expect(worstWindow).toBeLessThanOrEqual(LIMIT);
    expect(worstWindow).toBe(LIMIT);

    // Demand never stopped, so every window of the 3 s was used: 100 at the start of each second.
    const seconds = LOAD_MS / PERIOD_MS;
    expect(admitted.length).toBeGreaterThanOrEqual(LIMIT * seconds);
    expect(admitted.length).toBeLessThanOrEqual(LIMIT * (seconds + 1));
  }, 60_000);
});
