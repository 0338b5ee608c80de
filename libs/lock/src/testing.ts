// Fixtures for this library's tests only; never imported by production code.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const REPO_ROOT = join(__dirname, '..', '..', '..');

export { deleteKeysWithPrefix } from '@sluice/testing';


/**
 * Builds `libs/lock/dist` (and what it references) for child processes, which cannot use Jest's
 * TypeScript transform. `tsc -b` only rebuilds what is stale. Returns the path of the built entry.
 */
export function buildLockDist(): string {
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-b', 'libs/lock'], { cwd: REPO_ROOT, stdio: 'pipe' });
  return join(REPO_ROOT, 'libs', 'lock', 'dist', 'index.js');
}

/** The loopback Redis of the test environment. */
export function testRedisUrl(): string {
  const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const host = new URL(url).hostname;
  if (!['127.0.0.1', 'localhost', '::1', '[::1]'].includes(host)) throw new Error(`tests only target a loopback Redis, not ${host}`);
  return url;
}
