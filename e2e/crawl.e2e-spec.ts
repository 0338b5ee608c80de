import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { ApiClient, type Credentials } from './support/api-client';
import { crawlTasks } from './support/crawl-tasks';
import { EXCLUDE, EXTRACT, startFixtureSite, type AccessLogEntry, type FixtureSite } from './support/fixture-site';
import { createIsolatedEnv, ROOT, type IsolatedEnv } from './support/isolated-env';
import { eventually, startPlatform, type Platform } from './support/platform';
import { ServiceProcess } from './support/service-process';
import { portsOf, SERVICES } from '../scripts/platform.cjs';

jest.setTimeout(180_000);

const PORT_OFFSET = 1800;
/** requests a rate check tolerates in a window beyond the rate (see the Crawl-delay check) */
const RATE_SLACK = 3;
const CONTACT_URL = 'https://ops.example.org/crawler';
const HONEST_AGENT = /^Sluice\/\d+\.\d+\.\d+ \(\+https:\/\/ops\.example\.org\/crawler\)$/;

type PageRow = { url: string; status: number | null; title: string | null; data: Record<string, unknown> | null; error: string | null; duplicate_of: string | null };

/** One scraper replica as a process of its own, so a test can kill it. */
const startScraper = (name: string, env: Record<string, string>, log: WriteStream, ports?: { http: number; grpc: number }) =>
  ServiceProcess.start('scraper', name, env, log, ports);
const pagesOk = (replica: ServiceProcess) => replica.metric('sluice_scraper_pages_total', 'outcome="ok"');

/** Largest number of requests in any window of `windowMs`. */
function busiestWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[i] - sorted[j] >= windowMs) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

describe('crawling: REST to pages, politely, safely, across replicas and crashes', () => {
  let isolated: IsolatedEnv;
  let platform: Platform;
  let site: FixtureSite;
  let api: ApiClient;
  let auth: Credentials;
  let db: Client;
  let log: WriteStream;
  let scraperEnv: Record<string, string>;
  const replicas: ServiceProcess[] = [];

  beforeAll(async () => {
    isolated = await createIsolatedEnv();
    site = await startFixtureSite({ crawlDelaySeconds: 0.05 });
    const allowlist = { SCRAPER_FETCH_ALLOWLIST: '127.0.0.1/32' };
    platform = await startPlatform('crawl', { portOffset: PORT_OFFSET, only: ['gateway', 'scheduler'], env: { ...isolated.env, ...allowlist, RATE_LIMIT_PER_MINUTE: '5000' } });
    mkdirSync(join(ROOT, '.jest-results'), { recursive: true });
    log = createWriteStream(join(ROOT, '.jest-results', 'crawl.log'), { flags: 'a' });
    scraperEnv = { ...isolated.env, ...allowlist, SCRAPER_CONTACT_URL: CONTACT_URL, SCRAPER_JOBS_PER_REPLICA: '1', SCRAPER_CONCURRENCY: '8' };
    const platformPorts = portsOf(SERVICES.find((s) => s.name === 'scraper')!, PORT_OFFSET) as { http: number; grpc: number };
    replicas.push(
      ...(await Promise.all([startScraper('scraper-1', scraperEnv, log, platformPorts), startScraper('scraper-2', scraperEnv, log)])),
    );
    api = new ApiClient(platform.url('gateway'));
    auth = { token: (await api.signup('crawl')).accessToken };
    db = new Client({ connectionString: isolated.databaseUrl });
    await db.connect();
  }, 240_000);

  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.stop()));
    await platform?.stop();
    await db?.end();
    await site?.close();
    await isolated?.dispose();
    log?.end();
  }, 90_000);

  const tasks = () => crawlTasks(api, auth, 500);
  const submit = (job: Record<string, unknown>) => tasks().submit(job);
  const task = (id: string) => tasks().task(id);
  const finished = (id: string, timeoutMs = 150_000) => tasks().finished(id, timeoutMs);
  const pagesOf = async (taskId: string) =>
    (await db.query<PageRow>('SELECT url, status, title, data, error, duplicate_of FROM scraper.pages WHERE task_id = $1', [taskId])).rows;
  const mainRequestsSince = (from: number): AccessLogEntry[] => site.log.slice(from).filter((e) => e.site === 'main' && e.path !== '/robots.txt');

  it('collects exactly the allowed pages with their extracted data, and never requests what it must not', async () => {
    const from = site.log.length;
    const id = await submit({
      startUrls: [`${site.origin}/`, `${site.blockedOrigin}/`],
      maxDepth: 3,
      exclude: EXCLUDE,
      extract: EXTRACT,
      politeness: { maxRequestsPerSecondPerHost: 50, maxConcurrencyPerHost: 4 },
    });
    const done = await finished(id);
    expect(done.status).toBe('SUCCEEDED');

    const rows = await pagesOf(id);
    const byUrl = new Map(rows.map((r) => [r.url, r]));
    expect([...byUrl.keys()].sort()).toEqual(site.expected.map((p) => `${site.origin}${p.path}`).sort());
    for (const expected of site.expected) {
      const row = byUrl.get(`${site.origin}${expected.path}`)!;
      expect({ path: expected.path, status: row.status }).toEqual({ path: expected.path, status: expected.status });
      if (expected.error) expect({ path: expected.path, error: row.error }).toEqual({ path: expected.path, error: expect.stringMatching(expected.error) });
      else expect({ path: expected.path, title: row.title, data: row.data, error: row.error }).toEqual({ path: expected.path, title: expected.title, data: expected.data, error: null });
      if (expected.sameContentAs) {
        const other = byUrl.get(`${site.origin}${expected.sameContentAs}`)!;
        // whichever of the two was stored first is the original, the other points at it
        expect([row.duplicate_of, other.duplicate_of].filter(Boolean)).toHaveLength(1);
        expect(row.duplicate_of === other.url || other.duplicate_of === row.url).toBe(true);
      }
    }
    expect(done.progress).toMatchObject({ done: rows.filter((r) => !r.error).length, failed: rows.filter((r) => r.error).length, queued: 0 });

    const requests = site.log.slice(from);
    const paths = requests.filter((e) => e.site === 'main').map((e) => e.path);
    for (const path of site.forbidden) expect(paths).not.toContain(path);
    // the start page comes first: the sitemaps robots.txt names are read beside the crawl, not before it
    expect(paths.filter((p) => p !== '/robots.txt')[0]).toBe('/');
    // the host whose robots.txt answers 503 is asked for robots.txt and nothing else
    expect(requests.filter((e) => e.site === 'blocked').map((e) => e.path)).toEqual(expect.arrayContaining(['/robots.txt']));
    expect(new Set(requests.filter((e) => e.site === 'blocked').map((e) => e.path))).toEqual(new Set(['/robots.txt']));
    // tracking parameters and fragments were normalised away before fetching
    expect(paths.some((p) => p.includes('utm_source') || p.includes('#'))).toBe(false);
    for (const entry of requests) expect(entry.userAgent).toMatch(HONEST_AGENT);
    // every page once, except the one that answered 429 first
    const counts = new Map<string, number>();
    for (const p of paths) counts.set(p, (counts.get(p) ?? 0) + 1);
    expect([...counts].filter(([p, n]) => n > 1 && p !== '/busy' && p !== '/robots.txt')).toEqual([]);
    expect(counts.get('/busy')).toBe(2);

    // Crawl-delay 0.05 s: at most 40 page requests in any 2 s. Requests are spaced when Redis grants
    // them; a busy event loop can send a few granted ones late and close together, hence the slack.
    const pageTimes = mainRequestsSince(from).map((e) => e.at);
    expect(busiestWindow(pageTimes, 2_000)).toBeLessThanOrEqual(40 + RATE_SLACK);
    // Retry-After: 2 — the host was left alone, and /busy asked again only after 2 s
    const busy = requests.filter((e) => e.path === '/busy').map((e) => e.at);
    expect(busy[1] - busy[0]).toBeGreaterThanOrEqual(1_950);
    expect(pageTimes.filter((t) => t > busy[0] + 1_000 && t < busy[0] + 1_900)).toEqual([]);

    const listed = await api.request<{ items: { url: string }[]; nextCursor: string | null }>('GET', `/v1/tasks/${id}/pages?limit=100`, { auth });
    expect(listed.status).toBe(200);
    expect(listed.body.items).toHaveLength(100);
    const rest = await api.request<{ items: { url: string }[] }>('GET', `/v1/tasks/${id}/pages?limit=500&cursor=${listed.body.nextCursor}`, { auth });
    expect(new Set([...listed.body.items, ...rest.body.items].map((p) => p.url)).size).toBe(site.expected.length);
    const other = { token: (await api.signup('other')).accessToken };
    expect((await api.request('GET', `/v1/tasks/${id}/pages`, { auth: other })).status).toBe(404);
  });

  it('fails a crawl whose only host refuses through robots.txt, saying why, without requesting its pages', async () => {
    const from = site.log.length;
    const id = await submit({ startUrls: [`${site.blockedOrigin}/only-page`] });
    const done = await finished(id);
    expect(done).toMatchObject({ status: 'FAILED', error: expect.stringContaining('disallowed by robots.txt') });
    expect(site.log.slice(from).filter((e) => e.site === 'blocked' && e.path !== '/robots.txt')).toEqual([]);
  });

  it('records redirects to private addresses as page errors and refuses direct ones', async () => {
    const id = await submit({ startUrls: [`${site.origin}/to-private`, `${site.origin}/to-metadata`, `${site.origin}/sjis`], maxDepth: 0 });
    expect((await finished(id)).status).toBe('SUCCEEDED');
    const rows = await pagesOf(id);
    expect(rows.filter((r) => r.error?.includes('blocked_address')).map((r) => r.url).sort()).toEqual([`${site.origin}/to-metadata`, `${site.origin}/to-private`]);

    // a start URL on a private address, however it is spelled, is refused at the API naming the field
    const direct = await api.request<{ status: number; errors: { path: string; message: string }[] }>('POST', '/v1/scrape-jobs', {
      auth,
      body: {
        startUrls: ['http://10.0.0.1/', 'http://167772161/', 'http://012.0.0.1/', 'http://[::ffff:a00:1]/', 'http://169.254.169.254/', `${site.origin}/`],
        sitemapUrls: ['http://[fd00::1]/sitemap.xml'],
      },
    });
    expect(direct.status).toBe(400);
    expect(direct.body.errors.map((e) => e.path)).toEqual(['startUrls.0', 'startUrls.1', 'startUrls.2', 'startUrls.3', 'startUrls.4', 'sitemapUrls.0']);
    for (const e of direct.body.errors) expect(e.message).toMatch(/targets a (private|linkLocal|uniqueLocal) address/);
  });

  it('holds the per-host rate across two replicas crawling the same host at once', async () => {
    const from = site.log.length;
    const before = await Promise.all(replicas.map((r) => pagesOk(r)));
    const job = { startUrls: [`${site.origin}/`], maxPages: 40, exclude: EXCLUDE, politeness: { maxRequestsPerSecondPerHost: 10, maxConcurrencyPerHost: 4 } };
    const ids = await Promise.all([submit(job), submit(job)]);
    for (const id of ids) expect((await finished(id)).status).toBe('SUCCEEDED');
    const after = await Promise.all(replicas.map((r) => pagesOk(r)));
    // each replica crawled (one job each: SCRAPER_JOBS_PER_REPLICA=1)
    expect(after.map((n, i) => n - before[i] > 0)).toEqual([true, true]);
    const times = mainRequestsSince(from).map((e) => e.at);
    expect(times.length).toBeGreaterThanOrEqual(70);
    expect(busiestWindow(times, 2_000)).toBeLessThanOrEqual(20 + RATE_SLACK);
  });

  it('stops a running crawl within a few seconds of its cancel', async () => {
    const from = site.log.length;
    const id = await submit({ startUrls: [`${site.origin}/`], exclude: EXCLUDE, politeness: { maxRequestsPerSecondPerHost: 4 } });
    await eventually(() => task(id), (t) => t.status === 'RUNNING' && t.progress.done >= 3, 60_000, 250);
    expect((await api.request('POST', `/v1/tasks/${id}/cancel`, { auth })).status).toBe(202);
    const cancelledAt = Date.now();
    await eventually(
      async () => (await db.query<{ status: string }>('SELECT status FROM scraper.crawls WHERE task_id = $1', [id])).rows[0]?.status,
      (s) => s === 'CANCELLED',
      15_000,
      200,
    );
    expect((await task(id)).status).toBe('CANCELLED');
    await new Promise((r) => setTimeout(r, 1_500));
    const late = mainRequestsSince(from).filter((e) => e.at > cancelledAt + 5_000);
    expect(late).toEqual([]);
    expect((await pagesOf(id)).length).toBeLessThan(site.expected.length);
  });

  it('finishes a crawl whose scraper is killed mid-way, with every page stored exactly once', async () => {
    const id = await submit({ startUrls: [`${site.origin}/`], maxPages: 120, exclude: EXCLUDE, politeness: { maxRequestsPerSecondPerHost: 10 } });
    await eventually(() => task(id), (t) => t.status === 'RUNNING' && t.progress.done >= 10, 60_000, 250);
    // the replica whose page counter moves is the one crawling
    const first = await Promise.all(replicas.map((r) => pagesOk(r)));
    const moved = await eventually(
      async () => (await Promise.all(replicas.map((r) => pagesOk(r)))).map((n, i) => n > first[i]),
      (m) => m.some(Boolean),
      30_000,
      200,
    );
    const victim = replicas[moved.indexOf(true)];
    await victim.stop('SIGKILL');
    replicas.splice(replicas.indexOf(victim), 1, await startScraper('scraper-3', scraperEnv, log));

    const done = await finished(id, 170_000);
    expect(done.status).toBe('SUCCEEDED');
    const { rows } = await db.query<{ pages: number; urls: number; settled: number; open: number }>(
      `SELECT (SELECT count(*)::int FROM scraper.pages WHERE task_id = $1) AS pages,
              (SELECT count(DISTINCT url)::int FROM scraper.pages WHERE task_id = $1) AS urls,
              (SELECT count(*)::int FROM scraper.frontier WHERE task_id = $1 AND state IN ('DONE', 'FAILED')) AS settled,
              (SELECT count(*)::int FROM scraper.frontier WHERE task_id = $1 AND state IN ('QUEUED', 'FETCHING')) AS open`,
      [id],
    );
    expect(rows[0].open).toBe(0);
    expect(rows[0].pages).toBe(rows[0].urls);
    expect(rows[0].pages).toBe(rows[0].settled);
    expect(rows[0].pages).toBeGreaterThanOrEqual(100);
  });
});
