import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './support/isolated-env';
import { runSluice, type SluiceResult } from './support/sluice-cli';

// The built `sluice` executable (package.json "bin"), as a user runs it: a process, its exit code
// and its output. Offline commands need nothing else; the others talk to a local stand-in server.
jest.setTimeout(60_000);

const RUN = '0b7e2a52-7f5c-4a3e-9b43-0c6f4d3f2a11';

const VALID = `name: movies
steps:
  - id: load
    kind: ingest
    source: { type: http, url: "https://example.org/movies.json", format: json }
    columns:
      - { name: title, type: text }
      - { name: rating, type: numeric, nullable: true }
  - id: clean
    kind: transform
    inputs: [load]
    sql: "select title, avg(rating) as rating from {{ ref('load') }} group by title"
    output: { table: movies_clean, mode: replace }
`;

/** Nine levels of nine aliases: 9^9 values if it were expanded. */
const ALIAS_BOMB = ['a: &a [x,x,x,x,x,x,x,x,x]', ...'bcdefghi'.split('').map((c, i) => `${c}: &${c} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(',')}]`)].join('\n');

let home: string;
const sluice = (args: string[], env: Record<string, string> = {}): Promise<SluiceResult> => runSluice(args, { env: { HOME: home, ...env }, timeoutMs: 45_000 });

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'sluice-cli-e2e-'));
});
afterAll(() => rm(home, { recursive: true, force: true }));

async function file(name: string, text: string): Promise<string> {
  const path = join(home, name);
  await writeFile(path, text);
  return path;
}

describe('sluice (built) offline commands', () => {
  it('prints the version of the repository', async () => {
    const { version } = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(await sluice(['--version'])).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });

  it('exits 0 for a valid definition, without login or network, whatever SLUICE_API_URL says', async () => {
    const result = await sluice(['pipelines', 'validate', await file('movies.yaml', VALID)], { SLUICE_API_URL: 'not a url' });
    expect(result).toEqual({ code: 0, stdout: `${join(home, 'movies.yaml')}: valid\n`, stderr: '' });
  });

  it('exits 1 for an invalid definition, printing file: path: message', async () => {
    const bad = await file('bad.yaml', VALID.replace("{{ ref('load') }} group by title", "{{ ref('load') }}; drop table x"));
    const result = await sluice(['pipelines', 'validate', bad]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(new RegExp(`^${bad.replace(/[.]/g, '\\.')}: steps\\.1\\.sql: .+\\n$`));
  });

  it('refuses a YAML alias bomb quickly instead of expanding it', async () => {
    const result = await sluice(['pipelines', 'validate', await file('bomb.yaml', ALIAS_BOMB)]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`${join(home, 'bomb.yaml')}: (root): invalid YAML:`);
    expect(result.stdout).toContain('alias');
  });

  it('prints the JSON Schema', async () => {
    const result = await sluice(['pipelines', 'schema']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object' });
  });

  it('exits 2 for usage errors', async () => {
    const result = await sluice(['pipelines', 'validate']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("error: missing required argument 'file'");
  });
});

describe('sluice (built) against a stand-in gateway', () => {
  let server: Server;
  let url: string;
  const seen: { path: string; apiKey?: string; lastEventId?: string }[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push({ path: req.url ?? '', apiKey: req.headers['x-api-key'] as string | undefined, lastEventId: req.headers['last-event-id'] as string | undefined });
      if (req.headers['x-api-key'] !== 'slk_e2e') return json(res, 401, { title: 'Unauthorized', status: 401, detail: 'invalid API key' }, 'application/problem+json');
      if (req.url === '/v1/me') return json(res, 200, { user: { email: 'cli@example.org' }, organization: { name: 'Acme' }, role: 'admin' });
      if (req.url === `/v1/runs/${RUN}`) return json(res, 200, { id: RUN, pipeline: 'movies', version: 1, status: 'RUNNING', steps: [{ id: 'load', kind: 'ingest', status: 'RUNNING' }] });
      if (req.url === `/v1/runs/${RUN}/events`) {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write(`id: 1\nevent: step\ndata: ${JSON.stringify({ status: 'RUNNING', step: { id: 'load', status: 'FAILED', error: 'no such file' } })}\n\n`);
        res.write(`id: 2\nevent: failed\ndata: ${JSON.stringify({ status: 'FAILED', error: 'step load failed' })}\n\n`);
        return; // left open: the CLI must stop on the final event by itself
      }
      json(res, 404, { title: 'Not Found', status: 404 }, 'application/problem+json');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('logs in with an API key, stores it 0600, then follows a failing run and exits 1', async () => {
    const xdg = join(home, 'xdg');
    const env = { XDG_CONFIG_HOME: xdg };
    const refused = await sluice(['login', '--api-url', url, '--api-key', 'slk_wrong'], env);
    expect(refused).toEqual({ code: 1, stdout: '', stderr: 'error: Unauthorized: invalid API key\n' });

    const login = await sluice(['login', '--api-url', url, '--api-key', 'slk_e2e'], env);
    expect(login).toEqual({ code: 0, stdout: `logged in to ${url} as cli@example.org (Acme, admin)\n`, stderr: '' });
    expect((await stat(join(xdg, 'sluice', 'credentials.json'))).mode & 0o777).toBe(0o600);
    expect((await stat(join(xdg, 'sluice'))).mode & 0o777).toBe(0o700);

    const watch = await sluice(['runs', 'watch', RUN], env);
    expect(watch.code).toBe(1);
    expect(watch.stdout.trimEnd().split('\n').at(-1)).toBe(`run ${RUN} FAILED: step load failed`);
    expect(seen.filter((r) => r.path.startsWith('/v1/runs/')).every((r) => r.apiKey === 'slk_e2e')).toBe(true);
  });

  it('says it is not logged in when nothing is stored, with exit code 1', async () => {
    const result = await sluice(['runs', 'watch', RUN], { XDG_CONFIG_HOME: join(home, 'empty'), SLUICE_API_URL: url });
    expect(result).toEqual({ code: 1, stdout: '', stderr: `error: not logged in to ${url}\nrun \`sluice login\`, or set SLUICE_API_KEY\n` });
  });
});

function json(res: ServerResponse, status: number, body: unknown, type = 'application/json'): void {
  res.writeHead(status, { 'content-type': type }).end(JSON.stringify(body));
}
