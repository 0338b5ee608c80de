import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServerResponse } from 'node:http';
import { PassThrough } from 'node:stream';
import type { CliConfig } from '@sluice/config';
import { runCli } from './cli';
import { CredentialsStore } from './credentials/credentials-store';
import { openSse, sendJson, sendProblem, TestGateway, testContext, writeSse, type SseFrame, type TestContext } from './testing';

jest.setTimeout(30_000);

const RUN = '0b7e2a52-7f5c-4a3e-9b43-0c6f4d3f2a11';
const TASK = '6d1f0c3e-2b8a-4f57-a1d2-3c4b5a697881';

const VALID = `name: movies
steps:
  - id: load
    kind: ingest
    source: { type: http, url: "https://example.org/movies.json", format: json }
    columns:
      - { name: title, type: text }
  - id: clean
    kind: transform
    inputs: [load]
    sql: "select title from {{ ref('load') }}"
    output: { table: movies_clean, mode: replace }
`;
const INVALID = VALID.replace('type: text', 'type: txt').replace("select title from {{ ref('load') }}", "delete from {{ ref('load') }}");

describe('sluice (in process, against a stand-in gateway)', () => {
  let home: string;
  let gateway: TestGateway;

  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), 'sluice-cli-'));
    gateway = await new TestGateway().start();
  });
  afterEach(async () => {
    await gateway.stop();
    await rm(home, { recursive: true, force: true });
  });

  const context = (config: Partial<CliConfig> = {}, overrides: Parameters<typeof testContext>[1] = {}) => testContext({ configHome: home, ...config }, overrides);
  const run = async (args: string[], ctx: TestContext = context()) => ({ code: await runCli(args, ctx), out: ctx.stdout.text, err: ctx.stderr.text });
  const file = async (name: string, text: string) => {
    const path = join(home, name);
    await writeFile(path, text);
    return path;
  };
  const loggedIn = () => new CredentialsStore(home).write({ apiUrl: gateway.url, apiKey: 'slk_stored' });
  const sse = (frames: SseFrame[]) => (_req: unknown, res: ServerResponse) => {
    openSse(res);
    for (const frame of frames) writeSse(res, frame);
  };

  describe('offline commands', () => {
    /** Offline commands must not even read the environment (so no login, no URL). */
    const offline = () => testContext({ configHome: home }, { config: () => { throw new Error('offline commands must not read the configuration'); } });

    it('validates files: `file: path: message` per error, exit code 1 when any is invalid', async () => {
      const good = await file('good.yaml', VALID);
      const bad = await file('bad.yml', INVALID);
      const result = await run(['pipelines', 'validate', good, bad], offline());
      expect(result.code).toBe(1);
      const lines = result.out.trimEnd().split('\n');
      expect(lines).toHaveLength(2);
      expect(lines[0]).toBe(`${good}: valid`);
      expect(lines[1]).toMatch(new RegExp(`^${escapeRegExp(bad)}: steps\\.0\\.columns\\.0\\.type: .*text`));
      expect(gateway.requests).toHaveLength(0);
    });

    it('exits 0 when every file is valid, JSON and YAML alike, and prints JSON with --json', async () => {
      const yaml = await file('p.yaml', VALID);
      const json = await file('p.json', JSON.stringify({ name: 'movies', steps: [{ id: 'load', kind: 'ingest', source: { type: 'file', path: 'a.csv', format: 'csv' }, columns: [{ name: 'a', type: 'text' }] }] }));
      expect((await run(['pipelines', 'validate', yaml, json], offline())).code).toBe(0);
      const result = await run(['pipelines', 'validate', '--json', yaml, join(home, 'missing.yaml')], offline());
      expect(result.code).toBe(1);
      expect(JSON.parse(result.out)).toEqual([
        { file: yaml, valid: true, errors: [] },
        { file: join(home, 'missing.yaml'), valid: false, errors: [{ path: '(root)', message: 'no such file' }] },
      ]);
    });

    it('prints the JSON Schema of definitions', async () => {
      const result = await run(['pipelines', 'schema'], offline());
      expect(result.code).toBe(0);
      const schema = JSON.parse(result.out) as { $schema: string; properties: Record<string, unknown> };
      expect(schema.$schema).toContain('2020-12');
      expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['name', 'steps']));
    });
  });

  describe('usage', () => {
    it.each([
      [['bogus'], "unknown command 'bogus'"],
      [['runs', 'watch', 'not-a-uuid'], 'must be a UUID'],
      [['crawl', 'https://example.org', '--max-pages', '0'], 'must be an integer from 1 to 100000'],
      [['crawl', 'ftp://example.org'], 'only http and https URLs can be crawled'],
      [['crawl', 'https://example.org', '--extract', '1bad=h1'], 'field names are letters'],
      [['runs', 'start', 'movies', '--param', 'novalue'], 'must be key=value'],
      [['runs', 'start', 'movies', '--param', 'a=1', '--param', 'a=2'], 'a is given twice'],
      [['login'], 'give --api-key <key> or --email <address>'],
      [['login', '--api-key', 'k', '--email', 'a@example.org'], 'cannot be used with'],
    ])('exits 2 for %j naming the problem', async (args, message) => {
      await loggedIn();
      const result = await run(args);
      expect(result.code).toBe(2);
      expect(result.err).toContain(message);
      expect(gateway.requests).toHaveLength(0);
    });

    it('shows help and the version with exit code 0', async () => {
      const help = await run(['runs', 'start', '--help']);
      expect(help.code).toBe(0);
      expect(help.out).toContain('Usage: sluice runs start [options] <pipeline>');
      expect(help.out).toContain('--param <key=value>');
      const version = await run(['--version']);
      expect(version).toEqual({ code: 0, out: '0.0.0-test\n', err: '' });
    });
  });

  describe('login and credentials', () => {
    it('checks an API key with GET /v1/me, then stores it with the URL in a 0600 file', async () => {
      gateway.on('GET /v1/me', (req, res) =>
        req.headers['x-api-key'] === 'slk_good' ? sendJson(res, 200, { user: { email: 'me@example.org' }, organization: { name: 'Acme' }, role: 'admin' }) : sendProblem(res, 401, 'Unauthorized', 'invalid API key'),
      );
      const refused = await run(['login', '--api-url', `${gateway.url}/`, '--api-key', 'slk_bad']);
      expect(refused).toMatchObject({ code: 1, err: 'error: Unauthorized: invalid API key\n' });
      expect(await new CredentialsStore(home).read()).toBeUndefined();

      const ok = await run(['login', '--api-url', `${gateway.url}/`, '--api-key', 'slk_good']);
      expect(ok).toEqual({ code: 0, out: `logged in to ${gateway.url} as me@example.org (Acme, admin)\n`, err: '' });
      const file = join(home, 'sluice', 'credentials.json');
      expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ apiUrl: gateway.url, apiKey: 'slk_good' });
      expect((await stat(file)).mode & 0o777).toBe(0o600);
    });

    it('logs in with e-mail and a password from stdin, then refreshes the expired access token and stores the rotated pair', async () => {
      let now = Date.parse('2025-06-01T12:00:00Z');
      gateway.on('POST /v1/auth/login', (req, res) => {
        const { email, password } = JSON.parse(req.body) as { email: string; password: string };
        if (email !== 'me@example.org' || password !== 'a long passphrase') return sendProblem(res, 401, 'Unauthorized');
        sendJson(res, 200, { accessToken: 'access-1', refreshToken: 'refresh-1', expiresIn: 900 });
      });
      gateway.on('POST /v1/auth/refresh', (req, res) => {
        if (JSON.parse(req.body).refreshToken !== 'refresh-1') return sendProblem(res, 401, 'Unauthorized');
        sendJson(res, 200, { accessToken: 'access-2', refreshToken: 'refresh-2', expiresIn: 900 });
      });
      gateway.on('GET /v1/me', (req, res) => sendJson(res, 200, { user: { email: 'me@example.org' }, authorization: req.headers.authorization }));
      gateway.on(`GET /v1/runs/${RUN}`, (req, res) =>
        req.headers.authorization === 'Bearer access-2' ? sendJson(res, 200, { id: RUN, status: 'SUCCEEDED', steps: [] }) : sendProblem(res, 401, 'Unauthorized'),
      );

      const login = context({}, { now: () => now, stdin: new PassThrough() });
      login.stdin.end('a long passphrase\n');
      const result = await run(['login', '--api-url', gateway.url, '--email', 'me@example.org', '--password-stdin'], login);
      expect(result).toMatchObject({ code: 0, out: `logged in to ${gateway.url} as me@example.org\n` });
      expect(gateway.requestsTo('GET /v1/me')[0].headers.authorization).toBe('Bearer access-1');

      now += 901_000;
      const watched = await run(['runs', 'watch', RUN], context({}, { now: () => now }));
      expect(watched.code).toBe(0);
      expect(gateway.requestsTo('POST /v1/auth/refresh')).toHaveLength(1);
      const stored = await new CredentialsStore(home).read();
      expect(stored?.session).toMatchObject({ refreshToken: 'refresh-2', accessToken: 'access-2' });
    });

    it('asks to log in when nothing is stored, and never sends stored credentials to another URL', async () => {
      const other = await new TestGateway().start();
      try {
        await loggedIn();
        const result = await run(['runs', 'watch', RUN], context({ apiUrl: other.url }));
        expect(result).toEqual({ code: 1, out: '', err: `error: not logged in to ${other.url}\nrun \`sluice login\`, or set SLUICE_API_KEY\n` });
        expect(other.requests).toHaveLength(0);
      } finally {
        await other.stop();
      }
    });

    it('uses SLUICE_API_KEY over the stored credentials, at the stored URL unless SLUICE_API_URL says otherwise', async () => {
      await loggedIn();
      gateway.on(`GET /v1/runs/${RUN}`, (_req, res) => sendJson(res, 200, { id: RUN, status: 'SUCCEEDED', steps: [] }));
      expect((await run(['runs', 'watch', RUN], context({ apiKey: 'slk_env' }))).code).toBe(0);
      expect((await run(['runs', 'watch', RUN], context({ apiUrl: gateway.url, apiKey: 'slk_env2' }))).code).toBe(0);
      expect(gateway.requests.map((r) => r.headers['x-api-key'])).toEqual(['slk_env', 'slk_env2']);
    });
  });

  describe('pipelines apply', () => {
    it('creates, then reports unchanged, then an update, sending the YAML as it is', async () => {
      await loggedIn();
      let version: number | undefined;
      let stored = '';
      gateway.on('GET /v1/pipelines/movies', (_req, res) => (version ? sendJson(res, 200, { name: 'movies', version }) : sendProblem(res, 404, 'Not Found')));
      gateway.on('PUT /v1/pipelines/movies', (req, res) => {
        if (req.body !== stored) version = (version ?? 0) + 1;
        stored = req.body;
        sendJson(res, 200, { name: 'movies', version });
      });
      const path = await file('movies.yaml', VALID);
      expect(await run(['pipelines', 'apply', path])).toEqual({ code: 0, out: 'movies: version 1 created\n', err: '' });
      expect(await run(['pipelines', 'apply', path])).toEqual({ code: 0, out: 'movies: version 1 unchanged\n', err: '' });
      await writeFile(path, `${VALID}# changed\n`);
      expect(await run(['pipelines', 'apply', path])).toEqual({ code: 0, out: 'movies: version 2 updated from version 1\n', err: '' });
      const put = gateway.requestsTo('PUT /v1/pipelines/movies')[0];
      expect(put.headers['content-type']).toBe('application/yaml');
      expect(put.headers['x-api-key']).toBe('slk_stored');
      expect(put.body).toBe(VALID);
    });

    it('refuses an invalid file before any request, naming each path', async () => {
      await loggedIn();
      const result = await run(['pipelines', 'apply', await file('bad.yaml', INVALID)]);
      expect(result.code).toBe(1);
      expect(result.err).toContain('is not a valid pipeline definition\n  steps.0.columns.0.type: ');
      expect(gateway.requests).toHaveLength(0);
    });

    it('prints the server\'s problem with each errors[] path', async () => {
      await loggedIn();
      gateway.on('GET /v1/pipelines/movies', (_req, res) => sendProblem(res, 404, 'Not Found'));
      gateway.on('PUT /v1/pipelines/movies', (_req, res) =>
        sendProblem(res, 400, 'Bad Request', 'invalid pipeline', { errors: [{ path: 'steps.1.sql', message: 'reads a table it may not' }, { path: 'name', message: 'taken' }] }),
      );
      const result = await run(['pipelines', 'apply', await file('movies.yaml', VALID)]);
      expect(result).toEqual({ code: 1, out: '', err: 'error: Bad Request: invalid pipeline\n  steps.1.sql: reads a table it may not\n  name: taken\n' });
    });
  });

  describe('runs', () => {
    const runView = (status: string) => ({ id: RUN, pipeline: 'movies', version: 1, status, steps: [{ id: 'load', kind: 'ingest', status: 'PENDING' }] });
    const events = (final: 'SUCCEEDED' | 'FAILED'): SseFrame[] => [
      { id: '1', event: 'started', data: { runId: RUN, type: 'started', status: 'RUNNING', at: '2025-06-01T12:00:00Z' } },
      { id: '2', event: 'step', data: { runId: RUN, type: 'step', status: 'RUNNING', at: '2025-06-01T12:00:01Z', step: { id: 'load', status: final, rowsIn: 3, rowsOut: 3 } } },
      { id: '3', event: final.toLowerCase(), data: { runId: RUN, type: final.toLowerCase(), status: final, at: '2025-06-01T12:00:02Z' } },
    ];

    it('starts a run with parameters and follows it to SUCCEEDED: exit code 0', async () => {
      await loggedIn();
      gateway.on('POST /v1/pipelines/movies/runs', (_req, res) => sendJson(res, 202, { runId: RUN, status: 'QUEUED' }));
      gateway.on(`GET /v1/runs/${RUN}`, (_req, res) => sendJson(res, 200, runView('QUEUED')));
      gateway.on(`GET /v1/runs/${RUN}/events`, sse(events('SUCCEEDED')));
      const result = await run(['runs', 'start', 'movies', '--param', 'day=2025-06-01', '--param', 'limit:=10', '--watch']);
      expect(result.code).toBe(0);
      const post = gateway.requestsTo('POST /v1/pipelines/movies/runs')[0];
      expect(JSON.parse(post.body)).toEqual({ params: { day: '2025-06-01', limit: 10 } });
      expect(post.headers['idempotency-key']).toMatch(/^[0-9a-f-]{36}$/);
      expect(result.out.split('\n')).toEqual([
        `run ${RUN} QUEUED`,
        '2025-06-01T12:00:00Z run RUNNING',
        '2025-06-01T12:00:01Z step load  SUCCEEDED  rows 3 → 3',
        '2025-06-01T12:00:02Z run SUCCEEDED',
        `run ${RUN} SUCCEEDED in 2.0s`,
        '',
      ]);
    });

    it('exits 1 when the watched run fails', async () => {
      await loggedIn();
      gateway.on(`GET /v1/runs/${RUN}`, (_req, res) => sendJson(res, 200, runView('RUNNING')));
      gateway.on(`GET /v1/runs/${RUN}/events`, sse(events('FAILED')));
      const result = await run(['runs', 'watch', RUN]);
      expect(result.code).toBe(1);
      expect(result.out).toContain(`run ${RUN} FAILED: failed steps load\n`);
      expect(result.err).toBe('');
    });

    it('does not open the event stream for a run that has already ended', async () => {
      await loggedIn();
      gateway.on(`GET /v1/runs/${RUN}`, (_req, res) => sendJson(res, 200, runView('CANCELLED')));
      const result = await run(['runs', 'watch', RUN]);
      expect(result).toEqual({ code: 1, out: `run ${RUN} CANCELLED\n`, err: '' });
      expect(gateway.requestsTo(`GET /v1/runs/${RUN}/events`)).toHaveLength(0);
    });

    it('names the active run on 409', async () => {
      await loggedIn();
      gateway.on('POST /v1/pipelines/movies/runs', (_req, res) => sendProblem(res, 409, 'Conflict', 'a run is active', { runId: RUN }));
      const result = await run(['runs', 'start', 'movies']);
      expect(result).toEqual({ code: 1, out: '', err: `error: pipeline movies already has an active run: ${RUN}\nfollow it with: sluice runs watch ${RUN}\n` });
      expect(JSON.parse(gateway.requests[0].body)).toEqual({});
    });
  });

  describe('crawl and tasks watch', () => {
    const taskView = (status: string) => ({ id: TASK, kind: 'scrape', status, progress: { done: 0, failed: 0, queued: 1 } });

    it('posts the scrape job and follows the task to SUCCEEDED', async () => {
      await loggedIn();
      gateway.on('POST /v1/scrape-jobs', (_req, res) => sendJson(res, 202, { taskId: TASK, status: 'QUEUED' }));
      gateway.on(`GET /v1/tasks/${TASK}`, (_req, res) => sendJson(res, 200, taskView('QUEUED')));
      gateway.on(
        `GET /v1/tasks/${TASK}/events`,
        sse([
          { id: '1', event: 'started', data: { taskId: TASK, type: 'started', at: '2025-06-01T12:00:00Z' } },
          { id: '2', event: 'progress', data: { taskId: TASK, type: 'progress', at: '2025-06-01T12:00:01Z', progress: { done: 3, failed: 1, queued: 2 } } },
          { id: '3', event: 'succeeded', data: { taskId: TASK, type: 'succeeded', at: '2025-06-01T12:00:02Z', progress: { done: 5, failed: 1, queued: 0 } } },
        ]),
      );
      const result = await run(['crawl', 'https://example.org/', '--max-pages', '5', '--max-depth', '1', '--extract', 'title=h1', '--extract', 'price=.price span', '--watch']);
      expect(result.code).toBe(0);
      expect(JSON.parse(gateway.requestsTo('POST /v1/scrape-jobs')[0].body)).toEqual({
        startUrls: ['https://example.org/'],
        maxPages: 5,
        maxDepth: 1,
        extract: { title: 'h1', price: '.price span' },
      });
      expect(result.out.split('\n')).toEqual([
        `task ${TASK} QUEUED`,
        '2025-06-01T12:00:00Z started RUNNING done=0 failed=0 queued=1',
        '2025-06-01T12:00:01Z progress RUNNING done=3 failed=1 queued=2',
        '2025-06-01T12:00:02Z succeeded SUCCEEDED done=5 failed=1 queued=0',
        `task ${TASK} SUCCEEDED: 5 done, 1 failed`,
        '',
      ]);
    });

    it('exits 1 when the watched task fails, and resumes the stream after a drop without repeats', async () => {
      await loggedIn();
      gateway.on(`GET /v1/tasks/${TASK}`, (_req, res) => sendJson(res, 200, taskView('RUNNING')));
      gateway.on(`GET /v1/tasks/${TASK}/events`, (req, res) => {
        openSse(res);
        if (req.headers['last-event-id'] === undefined) {
          writeSse(res, { id: '7', event: 'progress', data: { progress: { done: 1, failed: 0, queued: 1 } } });
          setTimeout(() => res.destroy(), 20);
        } else {
          writeSse(res, { id: '8', event: 'failed', data: { error: 'too many errors', progress: { done: 1, failed: 5, queued: 0 } } });
        }
      });
      const result = await run(['tasks', 'watch', TASK]);
      expect(result.code).toBe(1);
      expect(gateway.requestsTo(`GET /v1/tasks/${TASK}/events`).map((r) => r.headers['last-event-id'])).toEqual([undefined, '7']);
      expect(result.out.split('\n').filter((l) => l.includes(' progress ')).length).toBe(1);
      expect(result.out).toContain(`task ${TASK} FAILED: 1 done, 5 failed: too many errors`);
    });
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
