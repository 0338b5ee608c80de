import { spawnSync } from 'node:child_process';
import { WASM_BASELINE_FLAGS } from './wasm-baseline';

/**
 * Peak memory (MB) of a fresh process that sets `flags` the way keepWebAssemblyOnBaselineCompiler
 * does, then loads the PostgreSQL parser and checks a few statements. `--wasm-sync-tier-up` makes
 * any optimizing compile happen inside those calls, so the peak is read after it, not raced.
 */
function parserPeakMb(flags: readonly string[]): number {
  const script = `
    const { setFlagsFromString } = require('node:v8');
    for (const flag of JSON.parse(process.argv[1])) setFlagsFromString(flag);
    const parser = require(${JSON.stringify(require.resolve('libpg-query'))});
    parser.loadModule().then(() => {
      for (let i = 0; i < 20; i++) parser.parseSync('select a, count(*) from t where b > 1 group by a having count(*) > 2');
      const kb = /VmHWM:\\s+(\\d+)/.exec(require('node:fs').readFileSync('/proc/self/status', 'utf8'))[1];
      process.stdout.write(String(Number(kb) / 1024));
    });`;
  const child = spawnSync(process.execPath, ['--wasm-sync-tier-up', '-e', script, JSON.stringify(flags)], { encoding: 'utf8' });
  if (child.status !== 0) throw new Error(child.stderr);
  return Number(child.stdout);
}

describe('keepWebAssemblyOnBaselineCompiler', () => {
  it('keeps the SQL parser from the optimizing compile that would take hundreds of MB', () => {
    expect(parserPeakMb(WASM_BASELINE_FLAGS)).toBeLessThan(200);
  });
});
