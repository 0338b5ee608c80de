import { mkdtemp, mkdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CliError } from '../errors/cli-errors';
import { CredentialsStore } from './credentials-store';

describe('CredentialsStore', () => {
  let home: string;

  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), 'sluice-cli-'));
  });
  afterEach(() => rm(home, { recursive: true, force: true }));

  it('has nothing stored at first', async () => {
    expect(await new CredentialsStore(home).read()).toBeUndefined();
  });

  it('writes credentials.json readable by the owner only, in a directory only the owner can enter', async () => {
    const store = new CredentialsStore(home);
    await store.write({ apiUrl: 'http://127.0.0.1:8080', apiKey: 'slk_1' });
    expect(store.file).toBe(join(home, 'sluice', 'credentials.json'));
    expect((await stat(store.file)).mode & 0o777).toBe(0o600);
    expect((await stat(store.dir)).mode & 0o777).toBe(0o700);
    expect(await store.read()).toEqual({ apiUrl: 'http://127.0.0.1:8080', apiKey: 'slk_1' });
  });

  it('tightens an existing directory that others could read', async () => {
    await mkdir(join(home, 'sluice'), { mode: 0o755 });
    const store = new CredentialsStore(home);
    await store.write({ apiUrl: 'http://127.0.0.1:8080', apiKey: 'slk_1' });
    expect((await stat(store.dir)).mode & 0o777).toBe(0o700);
  });

  it('replaces the file whole and leaves no temporary files behind', async () => {
    const store = new CredentialsStore(home);
    await store.write({ apiUrl: 'http://127.0.0.1:8080', apiKey: 'slk_1' });
    await store.write({ apiUrl: 'https://sluice.example.org', session: { email: 'a@example.org', refreshToken: 'r2' } });
    expect(JSON.parse(await readFile(store.file, 'utf8'))).toEqual({ apiUrl: 'https://sluice.example.org', session: { email: 'a@example.org', refreshToken: 'r2' } });
    const { readdir } = await import('node:fs/promises');
    expect(await readdir(store.dir)).toEqual(['credentials.json']);
  });

  it('refuses to write credentials that hold both an API key and a session', async () => {
    const store = new CredentialsStore(home);
    await expect(store.write({ apiUrl: 'http://127.0.0.1:8080', apiKey: 'k', session: { email: 'a@example.org', refreshToken: 'r' } })).rejects.toThrow(
      'either an API key or a session',
    );
    expect(await store.read()).toBeUndefined();
  });

  it('reports a damaged file and says how to fix it', async () => {
    const store = new CredentialsStore(home);
    await mkdir(store.dir, { recursive: true });
    await writeFile(store.file, '{ not json');
    const error = await store.read().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).message).toBe(`${store.file} is damaged`);
    expect((error as CliError).details).toEqual(['run `sluice login` again to replace it']);
  });

  it('lets one holder of the lock in at a time', async () => {
    const store = new CredentialsStore(home, { waitMs: 10_000, staleMs: 60_000, pollMs: 5 });
    let inside = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 5 }, () =>
        store.withLock(async () => {
          most = Math.max(most, ++inside);
          await new Promise((resolve) => setTimeout(resolve, 20));
          inside--;
        }),
      ),
    );
    expect(most).toBe(1);
  });

  it('takes over a lock left by a process that died, and gives up on a live one after waitMs', async () => {
    const store = new CredentialsStore(home, { waitMs: 100, staleMs: 60_000, pollMs: 5 });
    await mkdir(store.dir, { recursive: true });
    const lockFile = join(store.dir, 'credentials.lock');
    await writeFile(lockFile, '');
    await expect(store.withLock(async () => 'ran')).rejects.toThrow(`another sluice process holds ${lockFile}`);

    const old = new Date(Date.now() - 120_000);
    await utimes(lockFile, old, old);
    expect(await store.withLock(async () => 'ran')).toBe('ran');
  });
});
