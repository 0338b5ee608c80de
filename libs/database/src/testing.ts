// Test fixtures for other projects: `@sluice/database/testing`.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';

const run = promisify(execFile);
const ROOT = resolve(__dirname, '../../..');

export interface TestDatabase {
  readonly name: string;
  readonly url: string;
  /** Drops the database, closing whatever connections are left. */
  dispose(): Promise<void>;
}

async function onServer(serverUrl: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * A database of its own for one test suite, on the server of DATABASE_URL, with every migration
 * applied through the same offline engine production uses.
 */
export async function createMigratedTestDatabase(serverUrl = process.env.DATABASE_URL): Promise<TestDatabase> {
  if (!serverUrl) throw new Error('DATABASE_URL must be set (run the tests through npm test)');
  const name = `sluice_test_${randomBytes(6).toString('hex')}`;
  await onServer(serverUrl, `CREATE DATABASE "${name}"`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const dispose = () => onServer(serverUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  try {
    await run('npx', ['prisma', 'migrate', 'deploy'], { cwd: ROOT, env: { ...process.env, DATABASE_URL: url.toString() } });
  } catch (error) {
    await dispose();
    throw error;
  }
  return { name, url: url.toString(), dispose };
}
