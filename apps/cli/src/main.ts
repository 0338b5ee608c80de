import { loadCliConfig, readServiceVersion } from '@sluice/config';
import { runCli } from './cli';

/** The `sluice` executable: the real process streams and environment. */
export async function main(args: readonly string[]): Promise<number> {
  return runCli(args, {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    version: readServiceVersion(),
    config: () => loadCliConfig(),
    now: Date.now,
  });
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
