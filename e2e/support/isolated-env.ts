import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';

const run = promisify(execFile);
export const ROOT = resolve(__dirname, '../..');

export interface IsolatedEnv {
  readonly id: string;
  /** Environment for the services under test: own database, NATS namespace and Redis prefix. */
  readonly env: Record<string, string>;
  readonly databaseUrl: string;
  dispose(): Promise<void>;
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} must be set (run the tests through npm test)`);
  return value;
}

async function adminQuery(serverUrl: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A fresh, migrated database and unique NATS/Redis namespaces for one e2e suite. */
export async function createIsolatedEnv(): Promise<IsolatedEnv> {
  const id = `e${randomBytes(5).toString('hex')}`;
  const serverUrl = required('DATABASE_URL');
  const database = `sluice_${id}`;
  await adminQuery(serverUrl, `CREATE DATABASE "${database}"`);
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  const databaseUrl = url.toString();
  await run('npx', ['prisma', 'migrate', 'deploy'], { cwd: ROOT, env: { ...process.env, DATABASE_URL: databaseUrl } });
  return {
    id,
    databaseUrl,
    env: {
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      DATABASE_URL: databaseUrl,
      SLUICE_NATS_NAMESPACE: id,
      SLUICE_REDIS_PREFIX: `sluice-${id}`,
      SHUTDOWN_GRACE_MS: '5000',
    },
    dispose: () => adminQuery(serverUrl, `DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`),
  };
}
