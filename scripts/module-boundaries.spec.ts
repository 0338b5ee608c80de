import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

// The layering rule of CONVENTIONS.md, enforced by lint: proven here on code that breaks it.
const ROOT = resolve(__dirname, '..');
const ESLINT = resolve(ROOT, 'node_modules/eslint/bin/eslint.js');

function boundaryErrors(file: string, code: string): string[] {
  const run = spawnSync(process.execPath, [ESLINT, '--format', 'json', '--stdin', '--stdin-filename', resolve(ROOT, file)], {
    cwd: ROOT,
    input: code,
    encoding: 'utf8',
    env: { ...process.env, NX_DAEMON: 'false' },
  });
  const [result] = JSON.parse(run.stdout) as { messages: { ruleId: string | null; message: string }[] }[];
  return result.messages.filter((m) => m.ruleId === '@nx/enforce-module-boundaries').map((m) => m.message);
}

describe('module boundaries', () => {
  jest.setTimeout(60_000);

  it('forbids a lib from importing an app', () => {
    const errors = boundaryErrors('libs/crawl/src/lib/probe.ts', "import { GatewayModule } from '@sluice/app-gateway';\nexport const x = GatewayModule;\n");
    expect(errors.join('\n')).toMatch(/imports of apps are forbidden/i);
  });

  it('forbids an app from importing another app', () => {
    const errors = boundaryErrors('apps/scraper/src/probe.ts', "import { CacheModule } from '../../cache/src/cache/cache.module';\nexport const y = CacheModule;\n");
    expect(errors.length).toBeGreaterThan(0);
  });

  it('lets an app import a lib through its public name', () => {
    expect(boundaryErrors('apps/scraper/src/probe.ts', "import { SUBJECTS } from '@sluice/contracts';\nexport const z = SUBJECTS;\n")).toEqual([]);
  });
});
