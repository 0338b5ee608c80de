// Proves the migrations run offline through tools/prisma-engine (prisma.config.ts points the CLI at
// it) against a real PostgreSQL: deploy, drift check, status, and the client on the migrated schema.
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { createPrismaClient, TaskStatus, type PrismaClient } from './index';

const ROOT = path.resolve(__dirname, '../../..');
const MIGRATIONS = path.join(ROOT, 'prisma/migrations');
const SCHEMA = path.join(ROOT, 'prisma/schema.prisma');
const SERVER_URL = process.env.DATABASE_URL ?? '';
const TEST_DATABASE = `sluice_test_${randomBytes(6).toString('hex')}`;
const TEST_URL = withDatabase(SERVER_URL, TEST_DATABASE);

interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** Runs the Prisma CLI the way a developer does, against the test database. */
function prisma(args: readonly string[]): Promise<CliResult> {
  // The config must find the engine by itself; an inherited path would hide a broken prisma.config.ts.
  const { PRISMA_SCHEMA_ENGINE_BINARY: _inherited, ...env } = process.env;
  return new Promise((resolve) => {
    execFile(
      'npx',
      ['prisma', ...args],
      { cwd: ROOT, env: { ...env, DATABASE_URL: TEST_URL, CHECKPOINT_DISABLE: '1', PRISMA_HIDE_UPDATE_MESSAGE: '1' }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

async function withServer<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

const shadowDatabases = () =>
  withServer(SERVER_URL, async (client) => {
    const { rows } = await client.query<{ datname: string }>(
      "SELECT datname FROM pg_database WHERE datname LIKE 'prisma_migrate_shadow_db_%'",
    );
    return rows.map((row) => row.datname);
  });

describe('prisma migrations through the offline schema engine', () => {
  let prismaClient: PrismaClient | undefined;

  beforeAll(async () => {
    expect(SERVER_URL).not.toBe('');
    await withServer(SERVER_URL, (client) => client.query(`CREATE DATABASE "${TEST_DATABASE}"`));
  });

  afterAll(async () => {
    await prismaClient?.$disconnect();
    await withServer(SERVER_URL, (client) => client.query(`DROP DATABASE IF EXISTS "${TEST_DATABASE}" WITH (FORCE)`));
  });

  it('applies every migration with migrate deploy', async () => {
    const result = await prisma(['migrate', 'deploy']);
    expect(result).toMatchObject({ code: 0 });
    expect(result.stdout).toContain('All migrations have been successfully applied');
  });

  it('creates each service schema with its tables', async () => {
    const tables = await withServer(TEST_URL, async (client) => {
      const { rows } = await client.query<{ name: string }>(
        `SELECT table_schema || '.' || table_name AS name FROM information_schema.tables
          WHERE table_schema IN ('auth', 'scheduler', 'scraper', 'pipeline', 'warehouse') ORDER BY 1`,
      );
      return rows.map((row) => row.name);
    });
    // every model of the schema, as `<@@schema>.<@@map>`: the migrations must create all of them
    const models = [...(await readFile(SCHEMA, 'utf8')).matchAll(/^model \w+ \{[\s\S]*?^\}/gm)].map((m) => m[0]);
    const expected = models.map((body) => `${/@@schema\("(\w+)"\)/.exec(body)?.[1]}.${/@@map\("(\w+)"\)/.exec(body)?.[1]}`).sort();
    expect(expected).toEqual(expect.arrayContaining(['auth.organizations', 'pipeline.pipelines', 'scheduler.tasks', 'scraper.pages']));
    expect(tables).toEqual(expected);
  });

  it('records migrations with the checksum the native engine would write', async () => {
    const names = (await readdir(MIGRATIONS, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name).sort();
    const expected = await Promise.all(
      names.map(async (name) => ({
        migration_name: name,
        checksum: createHash('sha256').update(await readFile(path.join(MIGRATIONS, name, 'migration.sql'))).digest('hex'),
        finished: true,
      })),
    );
    const recorded = await withServer(TEST_URL, async (client) => {
      const { rows } = await client.query(
        'SELECT migration_name, checksum, finished_at IS NOT NULL AS finished FROM _prisma_migrations ORDER BY migration_name',
      );
      return rows;
    });
    expect(recorded).toEqual(expected);
  });

  it('finds no drift between the migrations and the schema, and leaves no shadow database behind', async () => {
    const before = new Set(await shadowDatabases());
    const result = await prisma(['migrate', 'diff', '--from-migrations', 'prisma/migrations', '--to-schema', 'prisma/schema.prisma', '--exit-code']);
    expect(result).toMatchObject({ code: 0 });
    // Another developer's run may hold its own shadow database for a moment; ours must be gone.
    let leftover: string[] = [];
    for (let attempt = 0; attempt < 20; attempt++) {
      leftover = (await shadowDatabases()).filter((name) => !before.has(name));
      if (leftover.length === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(leftover).toEqual([]);
  });

  it('finds the migrated database in sync with the schema', async () => {
    const result = await prisma(['migrate', 'diff', '--from-config-datasource', '--to-schema', 'prisma/schema.prisma', '--exit-code']);
    expect(result).toMatchObject({ code: 0 });
  });

  it('reports a real difference as SQL with exit code 2, so "no drift" above means something', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'sluice-schema-'));
    try {
      const changed = path.join(dir, 'schema.prisma');
      const schema = await readFile(SCHEMA, 'utf8');
      await writeFile(changed, schema.replace(/(model Organization \{\n)/, '$1  slug String?\n'));
      const result = await prisma(['migrate', 'diff', '--from-config-datasource', '--to-schema', changed, '--script', '--exit-code']);
      expect(result.code).toBe(2);
      expect(result.stdout).toContain('ALTER TABLE "auth"."organizations" ADD COLUMN');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reports the database up to date with migrate status', async () => {
    const result = await prisma(['migrate', 'status']);
    expect(result).toMatchObject({ code: 0 });
    expect(result.stdout).toContain('Database schema is up to date');
  });

  it('round-trips a task through the generated client', async () => {
    prismaClient = createPrismaClient(TEST_URL);
    const tenantId = '7d4e9a52-5b0e-4c8f-9a51-2f4f7e0c1a10';
    const created = await prismaClient.task.create({
      data: { tenantId, kind: 'scrape', payload: { urls: ['https://example.org/'] } },
    });
    expect(created).toMatchObject({ status: TaskStatus.QUEUED, progressDone: 0, createdBy: null });

    await prismaClient.task.update({ where: { id: created.id }, data: { status: TaskStatus.RUNNING, startedAt: new Date() } });
    const read = await prismaClient.task.findUniqueOrThrow({ where: { id: created.id } });
    expect(read).toMatchObject({ tenantId, kind: 'scrape', status: 'RUNNING', payload: { urls: ['https://example.org/'] } });
    expect(read.startedAt).toBeInstanceOf(Date);
    expect(await prismaClient.task.count({ where: { tenantId, status: TaskStatus.RUNNING } })).toBe(1);
  });
});
