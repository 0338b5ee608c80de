import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './isolated-env';

/** The built `sluice` executable (package.json "bin"). */
export const SLUICE_BIN = join(ROOT, 'tools/cli/sluice.cjs');

export interface SluiceResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface SluiceRun {
  /** what the CLI sees besides PATH: nothing else is inherited (no SLUICE_API_* from the developer's shell) */
  readonly env: Record<string, string>;
  /** written to stdin, which is then closed; without it stdin is ignored */
  readonly input?: string;
  /** the process is SIGKILLed after this long */
  readonly timeoutMs: number;
}

/** Runs `sluice` as a user does, as a process: its exit code and its whole output. */
export function runSluice(args: readonly string[], { env, input, timeoutMs }: SluiceRun): Promise<SluiceResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SLUICE_BIN, ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    child.stdin?.end(input);
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
