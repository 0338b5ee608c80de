// @ts-check
// Task submit → first page request, through the services: REST POST /v1/scrape-jobs at the
// gateway → the scheduler stores the task and publishes the job on JetStream → a scraper's durable
// consumer gets it → the crawl engine starts → first request at a loopback fixture site. One-page
// crawls of distinct URLs on one host, one after another, after a warm-up (robots.txt cached,
// connections open). Prints one JSON line: p50/p99 of the whole path and of its stages.
'use strict';
const { randomBytes } = require('node:crypto');
const { resolve } = require('node:path');
const { Client } = require('pg');
const { startPlatform } = require('../scripts/platform.cjs');
const { percentile } = require('./support/measure.cjs');
const { deleteKeysWithPrefix } = require('./support/redis-keys.cjs');
const { TaskEventWatcher } = require('./support/task-events.cjs');

const ROOT = resolve(__dirname, '..');
const { connectNats, closeNats, productionTopology } = require(resolve(ROOT, 'libs/messaging/dist/index.js'));

const PORT_OFFSET = 2700;
const RUNS = Number(process.env.BENCH_CRAWL_SUBMIT_RUNS ?? 40);
const WARMUP_RUNS = 5;
const TASK_TIMEOUT_MS = 30_000;
// The scraper's default per-host rate; the pause after each crawl lets the host's politeness gate
// open again, so a submit never waits for the previous crawl's turn.
const HOST_REQUESTS_PER_SECOND = 2;
const PAUSE_MS = Math.ceil(1000 / HOST_REQUESTS_PER_SECOND) + 100;

const env = (/** @type {string} */ name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};
const sleep = (/** @type {number} */ ms) => new Promise((r) => setTimeout(r, ms));
const sorted = (/** @type {number[]} */ values) => [...values].sort((a, b) => a - b);
const summary = (/** @type {number[]} */ values) => {
  const s = sorted(values);
  return { p50_ms: percentile(s, 50), p99_ms: percentile(s, 99) };
};

/** @param {string} base */
async function signup(base) {
  const res = await fetch(`${base}/v1/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: `bench-submit-${randomBytes(4).toString('hex')}@example.org`, password: 'benchmark password', organization: 'bench' }),
  });
  if (res.status !== 201) throw new Error(`signup failed: ${res.status} ${await res.text()}`);
  return /** @type {{ accessToken: string, organization: { id: string } }} */ (await res.json());
}

/**
 * One crawl: POST, then wait for its end. Times are Date.now() values, the clock of the site's access log.
 * @param {{ base: string, token: string, watcher: TaskEventWatcher, site: any }} ctx @param {string} url
 */
async function crawlOnce(ctx, url, /** @type {string[]} */ taskIds) {
  const from = ctx.site.log.length;
  const submitted = Date.now();
  const res = await fetch(`${ctx.base}/v1/scrape-jobs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ctx.token}` },
    body: JSON.stringify({ startUrls: [url], maxPages: 1, maxDepth: 0 }),
  });
  const answered = Date.now();
  const body = /** @type {any} */ (await res.json());
  if (res.status !== 202) throw new Error(`submit failed: ${res.status} ${JSON.stringify(body)}`);
  taskIds.push(body.taskId);
  const events = await ctx.watcher.untilEnded(body.taskId, TASK_TIMEOUT_MS);
  if (events.ended.type !== 'succeeded') throw new Error(`crawl of ${url} ended ${events.ended.type}: ${events.ended.error ?? ''}`);
  const path = new URL(url).pathname;
  const first = ctx.site.log.slice(from).find((/** @type {any} */ e) => e.site === 'main' && e.path === path);
  if (!first) throw new Error(`no request for ${path} at the site`);
  return {
    total: first.at - submitted,
    answered: answered - submitted,
    started: events.startedAt === undefined ? undefined : events.startedAt - submitted,
    // robots.txt comes from the shared cache after the warm-up; a one-page crawl has no use for sitemaps
    otherRequests: ctx.site.log.slice(from).filter((/** @type {any} */ e) => e.path !== path).length,
  };
}

async function main() {
  // Node strips the fixture's TypeScript types itself (it uses only erasable syntax).
  const { startFixtureSite } = require(resolve(ROOT, 'e2e/support/fixture-site.ts'));
  const namespace = `bsub${randomBytes(3).toString('hex')}`;
  const redisPrefix = `sluice-bench-submit-${randomBytes(4).toString('hex')}`;
  const topology = productionTopology(namespace);
  const site = await startFixtureSite({ plain: true, sections: 1, itemsPerSection: RUNS + WARMUP_RUNS });
  const platform = await startPlatform({
    portOffset: PORT_OFFSET,
    only: ['gateway', 'scheduler', 'scraper'],
    env: {
      SLUICE_NATS_NAMESPACE: namespace,
      SLUICE_REDIS_PREFIX: redisPrefix,
      LOG_LEVEL: 'warn',
      SCRAPER_FETCH_ALLOWLIST: '127.0.0.1/32',
      SCRAPER_HOST_RPS: String(HOST_REQUESTS_PER_SECOND),
      RATE_LIMIT_PER_MINUTE: '100000',
    },
    log: (service, line) => process.stderr.write(`${service.padEnd(10)}| ${line}\n`),
  });
  const nc = await connectNats({ url: env('NATS_URL'), name: 'sluice-bench-crawl-submit' });
  const watcher = new TaskEventWatcher(nc, topology);
  /** @type {string[]} */
  const taskIds = [];
  let tenantId = '';
  try {
    const base = platform.url('gateway');
    const session = await signup(base);
    tenantId = session.organization.id;
    const ctx = { base, token: session.accessToken, watcher, site };
    let errors = 0;
    const run = async (/** @type {number} */ i) => {
      try {
        const result = await crawlOnce(ctx, `${site.origin}/items/${i}`, taskIds);
        await sleep(PAUSE_MS);
        return result;
      } catch (error) {
        errors++;
        process.stderr.write(`crawl ${i}: ${error instanceof Error ? error.message : error}\n`);
        return undefined;
      }
    };
    for (let i = 0; i < WARMUP_RUNS; i++) await run(i);
    const results = [];
    for (let i = WARMUP_RUNS; i < WARMUP_RUNS + RUNS; i++) {
      const result = await run(i);
      if (result) results.push(result);
    }
    const totals = results.map((r) => r.total);
    const started = /** @type {number[]} */ (results.map((r) => r.started).filter((ms) => ms !== undefined));
    console.log(
      JSON.stringify({
        name: 'crawl_submit_to_first_fetch',
        impl: 'sluice',
        ...summary(totals),
        count: results.length,
        errors,
        peer: null,
        ratio: null,
        // each from the submit, ms: the gateway's answer; the scraper's `started` event (job received, crawl row made); the page's first request
        stages: { post_answered: summary(results.map((r) => r.answered)), scraper_started: summary(started), first_request: summary(totals) },
        other_requests_after_warmup: results.reduce((n, r) => n + r.otherRequests, 0),
        latency: 'POST /v1/scrape-jobs sent → first request of the page at the site (ms, ms clock, one one-page crawl at a time)',
      }),
    );
  } finally {
    watcher.close();
    await platform.stop();
    await cleanUp(taskIds, tenantId);
    await removeStreams(nc, topology);
    await closeNats(nc);
    await removeRedisKeys(redisPrefix);
    await site.close();
  }
}

/** Deletes the benchmark's rows: its crawls and pages, its tasks. */
async function cleanUp(/** @type {string[]} */ taskIds, /** @type {string} */ tenantId) {
  if (taskIds.length === 0) return;
  const db = new Client({ connectionString: env('DATABASE_URL') });
  await db.connect();
  try {
    await db.query('DELETE FROM scraper.pages WHERE task_id = ANY($1::uuid[])', [taskIds]);
    await db.query('DELETE FROM scraper.frontier WHERE task_id = ANY($1::uuid[])', [taskIds]);
    await db.query('DELETE FROM scraper.crawls WHERE task_id = ANY($1::uuid[])', [taskIds]);
    await db.query('DELETE FROM scheduler.tasks WHERE tenant_id = $1::uuid AND id = ANY($2::uuid[])', [tenantId, taskIds]);
  } finally {
    await db.end();
  }
}

async function removeStreams(/** @type {any} */ nc, /** @type {{ streams: { name: string }[] }} */ topology) {
  const { jetstreamManager } = require('@nats-io/jetstream');
  const jsm = await jetstreamManager(nc);
  for (const stream of topology.streams) await jsm.streams.delete(stream.name).catch(() => undefined);
}

async function removeRedisKeys(/** @type {string} */ prefix) {
  const { Redis } = require('ioredis');
  const redis = new Redis(env('REDIS_URL'));
  try {
    await deleteKeysWithPrefix(redis, prefix);
  } finally {
    redis.disconnect();
  }
}

main().catch((error) => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
