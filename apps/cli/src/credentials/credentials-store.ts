import { randomBytes } from 'node:crypto';
import { chmod, mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CliError } from '../errors/cli-errors';
import { StoredCredentials } from './credentials-file';

export interface LockTiming {
  /** give up waiting for another sluice process after this long */
  readonly waitMs: number;
  /** a lock file older than this was left by a process that died */
  readonly staleMs: number;
  readonly pollMs: number;
}

const DEFAULT_LOCK_TIMING: LockTiming = { waitMs: 15_000, staleMs: 60_000, pollMs: 50 };

/**
 * `<config home>/sluice/credentials.json`: directory 0700, file 0600, replaced atomically (write a
 * temporary file, then rename) so a reader never sees half a file.
 */
export class CredentialsStore {
  readonly dir: string;
  readonly file: string;
  private readonly lockFile: string;

  constructor(
    configHome: string,
    private readonly lockTiming: LockTiming = DEFAULT_LOCK_TIMING,
  ) {
    this.dir = join(configHome, 'sluice');
    this.file = join(this.dir, 'credentials.json');
    this.lockFile = join(this.dir, 'credentials.lock');
  }

  /** The stored credentials, or undefined when there are none. */
  async read(): Promise<StoredCredentials | undefined> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new CliError(`cannot read ${this.file}: ${(error as Error).message}`);
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      value = undefined;
    }
    const parsed = StoredCredentials.safeParse(value);
    if (!parsed.success) throw new CliError(`${this.file} is damaged`, undefined, ['run `sluice login` again to replace it']);
    return parsed.data;
  }

  async write(credentials: StoredCredentials): Promise<void> {
    await this.ensureDir();
    const temporary = `${this.file}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await writeFile(temporary, `${JSON.stringify(StoredCredentials.parse(credentials), null, 2)}\n`, { mode: 0o600, flag: 'wx' });
      await rename(temporary, this.file);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  }

  /**
   * Runs `fn` while holding a lock file, so that two sluice processes never both spend the same
   * refresh token (the second would present a used token and the server would revoke the session).
   */
  async withLock<T>(fn: () => Promise<T>): Promise<T> {
    await this.ensureDir();
    const deadline = Date.now() + this.lockTiming.waitMs;
    for (;;) {
      try {
        const handle = await open(this.lockFile, 'wx', 0o600);
        await handle.close();
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      if (await this.lockIsStale()) {
        await rm(this.lockFile, { force: true });
        continue;
      }
      if (Date.now() >= deadline) throw new CliError(`another sluice process holds ${this.lockFile}`, undefined, ['if none is running, delete that file']);
      await sleep(this.lockTiming.pollMs);
    }
    try {
      return await fn();
    } finally {
      await rm(this.lockFile, { force: true });
    }
  }

  private async lockIsStale(): Promise<boolean> {
    try {
      return Date.now() - (await stat(this.lockFile)).mtimeMs > this.lockTiming.staleMs;
    } catch {
      return false;
    }
  }

  private async ensureDir(): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    // mkdir leaves an existing directory as it was; credentials must not be readable by others.
    await chmod(this.dir, 0o700);
  }
}
