import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startPlatform as start } from '../../scripts/platform.cjs';
import { ROOT } from './isolated-env';

export type Platform = Awaited<ReturnType<typeof start>>;

/** Starts the platform for a suite, its logs in .jest-results/<suite>.log instead of the console. */
export function startPlatform(suite: string, options: Omit<Parameters<typeof start>[0] & object, 'log'>): Promise<Platform> {
  const dir = join(ROOT, '.jest-results');
  mkdirSync(dir, { recursive: true });
  const log = createWriteStream(join(dir, `${suite}.log`), { flags: 'a' });
  return start({ ...options, log: (service, line) => log.write(`${service.padEnd(12)}| ${line}\n`) });
}

export async function getJson<T = unknown>(url: string, init?: RequestInit): Promise<{ status: number; body: T; headers: Headers }> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T, headers: res.headers };
}

export { eventually } from '@sluice/testing';
