import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiClient, type Session } from './support/api-client';
import { createIsolatedEnv, type IsolatedEnv } from './support/isolated-env';
import { startPlatform, type Platform } from './support/platform';
import { runSluice, type SluiceResult } from './support/sluice-cli';

// The built `sluice` command against the whole platform: log in with an API key, apply a pipeline
// and run it to the end, crawl a local site and follow the task.
jest.setTimeout(120_000);

describe('sluice against the platform', () => {
  let isolated: IsolatedEnv;
  let platform: Platform;
  let site: Server;
  let siteUrl: string;
  let home: string;
  let session: Session;
  let apiKey: { id: string; key: string };

  const sluice = (args: string[], input?: string): Promise<SluiceResult> =>
    runSluice(args, { env: { HOME: home, XDG_CONFIG_HOME: join(home, 'config') }, input, timeoutMs: 100_000 });

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'sluice-cli-platform-'));
    site = createServer((req, res) => {
      const pages: Record<string, [string, string]> = {
        '/': ['text/html', '<html><head><title>Home</title></head><body><h1>Home</h1><a href="/about">about</a></body></html>'],
        '/about': ['text/html', '<html><head><title>About</title></head><body><h1>About us</h1></body></html>'],
        '/robots.txt': ['text/plain', 'User-agent: *\nAllow: /\n'],
        '/movies.json': ['application/json', JSON.stringify([{ title: 'Alien', rating: 8.5 }, { title: 'Heat', rating: 8.3 }])],
      };
      const page = pages[req.url ?? ''];
      if (!page) return res.writeHead(404).end();
      res.writeHead(200, { 'content-type': page[0] }).end(page[1]);
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;

    isolated = await createIsolatedEnv();
    platform = await startPlatform('cli', {
      portOffset: 2300,
      env: { ...isolated.env, RATE_LIMIT_PER_MINUTE: '1000', SCRAPER_FETCH_ALLOWLIST: '127.0.0.1/32', SLUICE_INGEST_HTTP_ALLOWLIST: '127.0.0.1/32' },
    });
    const api = new ApiClient(platform.url('gateway'));
    session = await api.signup('cli');
    const key = await api.request<{ id: string; key: string }>('POST', '/v1/api-keys', { auth: { token: session.accessToken }, body: { name: 'cli' } });
    expect(key.status).toBe(201);
    apiKey = key.body;
  }, 240_000);

  afterAll(async () => {
    await platform?.stop();
    await isolated?.dispose();
    site?.closeAllConnections();
    await new Promise((resolve) => site?.close(resolve));
    await rm(home, { recursive: true, force: true });
  }, 60_000);

  it('logs in with an API key', async () => {
    const result = await sluice(['login', '--api-url', platform.url('gateway'), '--api-key', apiKey.key]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    // an API key acts for the organization with its own role (member unless created otherwise)
    expect(result.stdout).toBe(`logged in to ${platform.url('gateway')} as API key ${apiKey.id} (cli, member)\n`);
  });

  it('logs in with e-mail and a password from stdin, and uses the session', async () => {
    const gateway = platform.url('gateway');
    const result = await sluice(['login', '--api-url', gateway, '--email', session.user.email, '--password-stdin'], 'correct horse battery staple\n');
    expect(result).toEqual({ code: 0, stdout: `logged in to ${gateway} as ${session.user.email} (cli, admin)\n`, stderr: '' });
    const pipelines = await sluice(['runs', 'watch', randomUUID()]);
    expect(pipelines.stderr).toMatch(/^error: Not Found/); // authenticated: a 401 would say Unauthorized
    // back to the API key for the rest of the suite
    expect((await sluice(['login', '--api-url', gateway, '--api-key', apiKey.key])).code).toBe(0);
  });

  it('applies a pipeline: created, then unchanged', async () => {
    const file = join(home, 'movies.yaml');
    await writeFile(
      file,
      `name: movies
steps:
  - id: load
    kind: ingest
    source: { type: http, url: "${siteUrl}/movies.json", format: json }
    columns:
      - { name: title, type: text }
      - { name: rating, type: numeric, nullable: true }
  - id: check
    kind: dq
    input: load
    checks:
      - { type: not_null, column: title }
  - id: clean
    kind: transform
    inputs: [load]
    dependsOn: [check]
    sql: "select title, rating from {{ ref('load') }} where rating > 8.4"
    output: { table: movies_clean, mode: replace }
`,
    );
    expect(await sluice(['pipelines', 'apply', file])).toEqual({ code: 0, stdout: 'movies: version 1 created\n', stderr: '' });
    expect(await sluice(['pipelines', 'apply', file])).toEqual({ code: 0, stdout: 'movies: version 1 unchanged\n', stderr: '' });
  });

  it('starts the pipeline and follows the run to SUCCEEDED (exit code 0)', async () => {
    const result = await sluice(['runs', 'start', 'movies', '--watch']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^run [0-9a-f-]{36} (QUEUED|RUNNING)$/);
    expect(lines.at(-1)).toMatch(/^run [0-9a-f-]{36} SUCCEEDED/);
    expect(lines.some((l) => / step load\s+SUCCEEDED/.test(l))).toBe(true);
  });

  it('crawls a site and follows the task to SUCCEEDED (exit code 0)', async () => {
    const result = await sluice(['crawl', `${siteUrl}/`, '--max-pages', '2', '--extract', 'heading=h1', '--watch']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^task [0-9a-f-]{36} QUEUED$/);
    expect(lines.at(-1)).toMatch(/^task [0-9a-f-]{36} SUCCEEDED: 2 done, 0 failed$/);
  });

  it("prints the gateway's problem for a run that is not the tenant's, with exit code 1", async () => {
    const result = await sluice(['runs', 'watch', randomUUID()]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^error: Not Found/);
  });
});
