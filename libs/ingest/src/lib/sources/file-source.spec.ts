import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { IngestInputError } from '../ingest-errors';
import { openFileSource } from './file-source';

async function text(stream: Readable): Promise<string> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(chunk as Buffer);
  return Buffer.concat(parts).toString('utf8');
}

describe('openFileSource', () => {
  const tenant = randomUUID();
  const other = randomUUID();
  let root: string;
  let outside: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'sluice-ingest-root-'));
    outside = await mkdtemp(join(tmpdir(), 'sluice-ingest-outside-'));
    await mkdir(join(root, tenant, 'exports'), { recursive: true });
    await mkdir(join(root, other), { recursive: true });
    await writeFile(join(root, tenant, 'exports', 'movies.csv'), 'title\nAlien\n');
    await writeFile(join(root, other, 'secret.csv'), 'other tenant\n');
    await writeFile(join(outside, 'passwd'), 'root:x:0:0\n');
    await symlink(join(outside, 'passwd'), join(root, tenant, 'escape.csv'));
    await symlink(outside, join(root, tenant, 'linked-dir'));
    await symlink(join(root, tenant, 'exports', 'movies.csv'), join(root, tenant, 'alias.csv'));
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
    await rm(outside, { recursive: true, force: true });
  });

  const open = (path: string, tenantId = tenant) => openFileSource({ root, tenantId, path });

  it("reads a file under the tenant's directory", async () => {
    expect(await text(await open('exports/movies.csv'))).toBe('title\nAlien\n');
  });

  it('follows a symlink that stays inside the tenant directory', async () => {
    expect(await text(await open('alias.csv'))).toBe('title\nAlien\n');
  });

  it('refuses every file source when no root is configured, saying so', async () => {
    await expect(openFileSource({ root: undefined, tenantId: tenant, path: 'exports/movies.csv' })).rejects.toThrow(/file sources are not enabled/);
  });

  it.each([
    ['../../etc/passwd'],
    ['../../../../../../etc/passwd'],
    ['exports/../../' + 'x/secret.csv'],
  ])('refuses the traversal %s', async (path) => {
    const error = await open(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IngestInputError);
    expect((error as Error).message).toMatch(/outside the tenant's file directory|does not exist/);
  });

  it("refuses another tenant's file reached with ..", async () => {
    await expect(open(`../${other}/secret.csv`)).rejects.toThrow(/outside the tenant's file directory/);
  });

  it('refuses a symlink that points outside the directory, and a path through a linked directory', async () => {
    await expect(open('escape.csv')).rejects.toThrow(/outside the tenant's file directory/);
    await expect(open('linked-dir/passwd')).rejects.toThrow(/outside the tenant's file directory/);
  });

  it('refuses absolute paths, missing files and directories', async () => {
    await expect(open('/etc/passwd')).rejects.toThrow(/must be relative/);
    await expect(open('exports/nope.csv')).rejects.toThrow(new IngestInputError('file exports/nope.csv does not exist'));
    await expect(open('exports')).rejects.toThrow(/not a regular file/);
  });

  it('refuses a tenant without a directory', async () => {
    await expect(open('exports/movies.csv', randomUUID())).rejects.toThrow(/file directory does not exist/);
  });
});
