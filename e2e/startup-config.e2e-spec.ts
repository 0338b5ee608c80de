import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { ROOT } from './support/isolated-env';

const SERVICES = ['gateway', 'scheduler', 'scraper', 'cache', 'orchestrator', 'ingest', 'data-quality', 'transform'];

function startService(name: string, env: Record<string, string | undefined>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [resolve(ROOT, 'apps', name, 'dist', 'main.js')], {
      env: { PATH: process.env.PATH, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      done({ code, stderr });
    });
  });
}

const base = {
  DATABASE_URL: process.env.DATABASE_URL,
  REDIS_URL: process.env.REDIS_URL,
  NATS_URL: process.env.NATS_URL,
  HTTP_PORT: '1', // never reached: configuration is checked first
};

jest.setTimeout(60_000);

describe('start-up configuration', () => {
  it.each(SERVICES)('%s refuses to start without the internal token, naming it', async (name) => {
    const { code, stderr } = await startService(name, base);
    expect(code).toBe(1);
    expect(stderr).toContain('SLUICE_INTERNAL_TOKEN is required');
  });

  it.each(SERVICES)('%s refuses a too-short internal token, naming it', async (name) => {
    const { code, stderr } = await startService(name, { ...base, HTTP_PORT: undefined, SLUICE_INTERNAL_TOKEN: 'abc123' });
    expect(code).toBe(1);
    expect(stderr).toMatch(/SLUICE_INTERNAL_TOKEN must be at least 32 characters/);
  });
});
