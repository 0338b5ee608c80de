import { lookup } from 'node:dns/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { jetstreamManager, type JetStreamManager, type StoredMsg } from '@nats-io/jetstream';
import { closeNats, connectNats, DEAD_LETTER_HEADERS, productionTopology, type NatsConnection, type Topology } from '@sluice/messaging';
import { openSse } from '@sluice/testing';
import ipaddr from 'ipaddr.js';
import { Client } from 'pg';
import { ApiClient, type Credentials } from './support/api-client';
import { crawlTasks } from './support/crawl-tasks';
import { startFixtureSite, type FixtureSite } from './support/fixture-site';
import { createIsolatedEnv, type IsolatedEnv } from './support/isolated-env';
import { eventually, startPlatform, type Platform } from './support/platform';

jest.setTimeout(120_000);

const PORT_OFFSET = 2600;
/** The fixture's host; the only loopback address the scraper (and the gateway's early check) may reach. */
const ALLOWED_HOST = '127.0.0.2';
/** Deliveries of a scrape job before it is dead-lettered (the consumer's default). */
const MAX_DELIVERIES = 5;
/** What safe-fetch says when a name resolves to loopback; localhost may resolve to either family. */
const REFUSED_AT_CONNECT = /blocked_address: refused to connect to localhost: (127\.0\.0\.1|::1) is a loopback address/;

type PageRow = { url: string; status: number | null; error: string | null };

/**
 * A server that must never be reached: it listens on every address `localhost` resolves to (one
 * port for all), so whichever one a fetch would connect to, the request shows up in its log.
 */
interface SecretServer {
  readonly port: number;
  readonly addresses: readonly string[];
  readonly log: string[];
  close(): Promise<void>;
}

async function startSecretServer(addresses: readonly string[]): Promise<SecretServer> {
  for (let attempt = 1; ; attempt++) {
    const log: string[] = [];
    const servers: Server[] = [];
    const close = () => Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve())))).then(() => undefined);
    try {
      let port = 0;
      for (const address of addresses) {
        const server = createServer((req, res) => {
          log.push(`${req.method} ${req.url}`);
          res.writeHead(200, { 'content-type': 'text/html' }).end('<title>secret</title>');
        });
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen(port, address, () => resolve());
        });
        servers.push(server);
        port = (server.address() as AddressInfo).port;
      }
      return { port, addresses, log, close };
    } catch (error) {
      await close();
      // the port the first address got may be taken on another one; try a new port
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt >= 5) throw error;
    }
  }
}

describe('crawling: SSRF by DNS name is refused at connect time; exhausted scrape jobs fail their task and are dead-lettered', () => {
  let isolated: IsolatedEnv;
  let platform: Platform;
  let site: FixtureSite;
  let secret: SecretServer;
  let secretOrigin: string;
  let api: ApiClient;
  let token: string;
  let auth: Credentials;
  let db: Client;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let topology: Topology;

  beforeAll(async () => {
    // `localhost` is a name the gateway's early, DNS-free check cannot judge; on this machine it
    // must resolve to loopback only (whatever the family), or the test would prove nothing.
    const resolved = (await lookup('localhost', { all: true, verbatim: true })).map((a) => a.address);
    expect(resolved.length).toBeGreaterThan(0);
    for (const address of resolved) expect({ address, range: ipaddr.process(address).range() }).toEqual({ address, range: 'loopback' });
    secret = await startSecretServer([...new Set(resolved)]);
    secretOrigin = `http://localhost:${secret.port}`;

    isolated = await createIsolatedEnv();
    site = await startFixtureSite({
      host: ALLOWED_HOST,
      plain: true,
      sections: 1,
      itemsPerSection: 2,
      extraLinks: [`${secretOrigin}/linked`],
      redirects: { '/to-secret': `${secretOrigin}/admin` },
    });
    const allowlist = { SCRAPER_FETCH_ALLOWLIST: `${ALLOWED_HOST}/32` };
    platform = await startPlatform('crawl-ssrf', {
      portOffset: PORT_OFFSET,
      only: ['gateway', 'scheduler', 'scraper'],
      env: { ...isolated.env, ...allowlist, RATE_LIMIT_PER_MINUTE: '5000', SCRAPER_CONCURRENCY: '4' },
    });
    api = new ApiClient(platform.url('gateway'));
    token = (await api.signup('ssrf')).accessToken;
    auth = { token };
    db = new Client({ connectionString: isolated.databaseUrl });
    await db.connect();
    nc = await connectNats({ url: process.env.NATS_URL!, name: 'sluice-e2e-crawl-ssrf' });
    jsm = await jetstreamManager(nc);
    topology = productionTopology(isolated.id);
  }, 180_000);

  afterAll(async () => {
    await platform?.stop();
    await db?.end();
    if (nc) await closeNats(nc);
    await site?.close();
    await secret?.close();
    await isolated?.dispose();
  }, 90_000);

  const tasks = () => crawlTasks(api, auth, 250);
  const submit = (job: Record<string, unknown>) => tasks().submit(job);
  const finished = (id: string, timeoutMs = 60_000) => tasks().finished(id, timeoutMs);
  const pagesOf = async (taskId: string) =>
    (await db.query<PageRow>('SELECT url, status, error FROM scraper.pages WHERE task_id = $1 ORDER BY url', [taskId])).rows;
  const crawlOf = async (taskId: string) =>
    (await db.query<{ status: string; error: string | null }>('SELECT status, error FROM scraper.crawls WHERE task_id = $1', [taskId])).rows[0];
  const deadLetters = async (): Promise<StoredMsg[]> => {
    const { state } = await jsm.streams.info(topology.deadLetters.name);
    const letters: StoredMsg[] = [];
    for (let seq = state.first_seq; state.messages > 0 && seq <= state.last_seq; seq++) {
      const letter = await jsm.streams.getMessage(topology.deadLetters.name, { seq }).catch(() => null);
      if (letter) letters.push(letter);
    }
    return letters;
  };

  it('serves the secret on localhost, and the allowlist lets the gateway take the allowed host and refuse 127.0.0.1', async () => {
    // a request that got through would be seen: the secret server answers on localhost
    const probe = await fetch(`${secretOrigin}/probe`, { signal: AbortSignal.timeout(5_000) });
    expect(probe.status).toBe(200);
    expect(secret.log).toEqual(['GET /probe']);
    secret.log.length = 0;

    const early = await api.request<{ errors: { path: string; message: string }[] }>('POST', '/v1/scrape-jobs', {
      auth,
      body: { startUrls: [`${site.origin}/`, `http://127.0.0.1:${secret.port}/`] },
    });
    expect(early.status).toBe(400);
    expect(early.body.errors).toEqual([{ path: 'startUrls.1', message: expect.stringMatching(/targets a loopback address/) }]);
  });

  it('fails a crawl whose start URL is a host name that resolves to loopback, without the target seeing a request', async () => {
    const id = await submit({ startUrls: [`${secretOrigin}/`], respectRobotsTxt: false });
    const done = await finished(id);
    expect(done.status).toBe('FAILED');
    expect(done.error).toMatch(new RegExp(`^no page could be fetched: ${secretOrigin}/: ${REFUSED_AT_CONNECT.source}`));
    expect(await pagesOf(id)).toEqual([{ url: `${secretOrigin}/`, status: null, error: expect.stringMatching(REFUSED_AT_CONNECT) }]);
    expect(secret.log).toEqual([]);
  });

  it('refuses the robots.txt of such a host too: the start page counts as disallowed and nothing is requested', async () => {
    const id = await submit({ startUrls: [`${secretOrigin}/`] });
    const done = await finished(id);
    expect(done).toMatchObject({ status: 'FAILED', error: `no page could be fetched: ${secretOrigin}/: disallowed by robots.txt` });
    expect(await pagesOf(id)).toEqual([]);
    expect(secret.log).toEqual([]);
  });

  it('records a link and a redirect from an allowed page to that host name as refused pages, and never requests them', async () => {
    const from = site.log.length;
    const id = await submit({
      startUrls: [`${site.origin}/`, `${site.origin}/to-secret`],
      maxDepth: 1,
      sameOrigin: false,
      respectRobotsTxt: false,
      politeness: { maxRequestsPerSecondPerHost: 50, maxConcurrencyPerHost: 4 },
    });
    const done = await finished(id);
    expect(done.status).toBe('SUCCEEDED');

    const pages = new Map((await pagesOf(id)).map((p) => [p.url, p]));
    expect(pages.get(`${secretOrigin}/linked`)).toEqual({ url: `${secretOrigin}/linked`, status: null, error: expect.stringMatching(REFUSED_AT_CONNECT) });
    expect(pages.get(`${site.origin}/to-secret`)).toEqual({ url: `${site.origin}/to-secret`, status: null, error: expect.stringMatching(REFUSED_AT_CONNECT) });
    // the crawl did reach the allowed host: the home page, its links, and the redirecting page
    expect(pages.get(`${site.origin}/`)).toMatchObject({ status: 200, error: null });
    expect(pages.get(`${site.origin}/section/0`)).toMatchObject({ status: 200, error: null });
    const served = site.log.slice(from).filter((e) => e.site === 'main').map((e) => e.path);
    expect(served).toEqual(expect.arrayContaining(['/', '/section/0', '/to-secret']));
    expect(secret.log).toEqual([]);
  });

  it('fails a scrape job that fails on every delivery with a clear error, streams it, dead-letters it once, and leaves other crawls alone', async () => {
    // The database refuses this crawl's frontier writes (and only this crawl's), so every delivery
    // of its job throws while seeding; a crawl of the same site at the same time must not notice.
    await db.query(`ALTER TABLE scraper.frontier ADD CONSTRAINT frontier_refuses_unstorable CHECK (url NOT LIKE '%/unstorable%')`);
    const doomed = await submit({ startUrls: [`${site.origin}/unstorable`] });
    const events = await openSse(`${platform.url('gateway')}/v1/tasks/${doomed}/events`, { authorization: `Bearer ${token}` });
    const healthy = await submit({ startUrls: [`${site.origin}/`], maxDepth: 1, politeness: { maxRequestsPerSecondPerHost: 50 } });

    try {
      const failed = await finished(doomed, 90_000);
      expect(failed.status).toBe('FAILED');
      expect(failed.error).toMatch(
        new RegExp(`^the crawl was given up after ${MAX_DELIVERIES} attempts \\(handler_failed\\); the last one failed: [\\s\\S]*frontier_refuses_unstorable`),
      );

      // the stream the client opened while the job was being retried carries the failure, then ends
      await eventually(() => events.events.map((e) => e.event), (types) => types.includes('failed'), 10_000, 100);
      await events.ended;
      const final = events.events.at(-1)!;
      expect(final.event).toBe('failed');
      expect(JSON.parse(final.data)).toMatchObject({ taskId: doomed, type: 'failed', error: failed.error });
      expect(events.events.filter((e) => e.event === 'succeeded')).toEqual([]);

      // the scraper's own record of the crawl agrees with the task
      expect(await crawlOf(doomed)).toEqual({ status: 'FAILED', error: failed.error });

      const other = await finished(healthy);
      expect(other.status).toBe('SUCCEEDED');
      expect(other.progress.done).toBeGreaterThan(0);
      expect(await crawlOf(healthy)).toEqual({ status: 'SUCCEEDED', error: null });

      // exactly one dead letter in the suite: the doomed job's, after all its deliveries
      const letters = await eventually(deadLetters, (l) => l.length >= 1, 10_000, 200);
      expect(letters).toHaveLength(1);
      const [letter] = letters;
      expect(letter.subject).toBe(topology.deadLetterSubject(topology.subject('jobs.scrape')));
      expect({
        msgId: letter.header.get(DEAD_LETTER_HEADERS.msgId),
        reason: letter.header.get(DEAD_LETTER_HEADERS.reason),
        deliveries: letter.header.get(DEAD_LETTER_HEADERS.deliveries),
        subject: letter.header.get(DEAD_LETTER_HEADERS.subject),
      }).toEqual({ msgId: doomed, reason: 'handler_failed', deliveries: String(MAX_DELIVERIES), subject: topology.subject('jobs.scrape') });
      expect(letter.json<{ taskId: string }>()).toMatchObject({ taskId: doomed });
      // and it is not retried forever: the work queue ends up holding no job
      await eventually(async () => (await jsm.streams.info(topology.jobs.name)).state.messages, (n) => n === 0, 10_000, 200);
    } finally {
      events.close();
      await db.query('ALTER TABLE scraper.frontier DROP CONSTRAINT frontier_refuses_unstorable');
    }
  });
});
