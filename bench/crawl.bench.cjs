// @ts-check
// Crawling the fixture site (~5,000 linked pages on loopback, no artificial delays, politeness
// raised) with Sluice's crawl engine and with Crawlee's CheerioCrawler (in-memory storage) at the
// same concurrency: pages per second, peak RSS, and run start → first page request latency.
// Each crawler runs in a child process of its own, so its RSS is its own; the site runs here and
// its access log times the first request of each run. Sluice's per-host politeness still runs
// (through Redis) at its highest setting, 1000 requests/s per host.
'use strict';
const { spawn } = require('node:child_process');
const { randomBytes, randomUUID } = require('node:crypto');
const { createInterface } = require('node:readline');
const { resolve } = require('node:path');
const { percentile } = require('./support/measure.cjs');

const ROOT = resolve(__dirname, '..');
const CONCURRENCY = 16;
const LATENCY_RUNS = 20;
const SITE = { plain: true, sections: 50, itemsPerSection: 99 };

const round = (/** @type {number} */ n, digits = 3) => Math.round(n * 10 ** digits) / 10 ** digits;

/** Samples this process's RSS until stopped; returns the peak in MiB. */
function rssSampler() {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  return () => {
    clearInterval(timer);
    return round(Math.max(peak, process.memoryUsage().rss) / 1024 / 1024, 1);
  };
}

const emit = (/** @type {Record<string, unknown>} */ line) => process.stdout.write(`${JSON.stringify(line)}\n`);

async function runSluice(/** @type {string} */ origin) {
  const { createPrismaClient } = require(resolve(ROOT, 'libs/database/dist/index.js'));
  const { createCrawlEngine, DEFAULT_CRAWL_LIMITS } = require(resolve(ROOT, 'libs/crawl-engine/dist/index.js'));
  const { Redis } = require('ioredis');
  const { Registry } = require('prom-client');
  const { deleteKeysWithPrefix } = require('./support/redis-keys.cjs');
  const prisma = createPrismaClient(process.env.DATABASE_URL);
  const redis = new Redis(/** @type {string} */ (process.env.REDIS_URL));
  const redisPrefix = `sluice-bench-crawl-${randomBytes(4).toString('hex')}`;
  const tenantId = randomUUID();
  const crawl = createCrawlEngine({
    prisma,
    redis,
    redisPrefix,
    registry: new Registry(),
    userAgent: 'Sluice/bench (+https://example.org/bench)',
    allowlist: ['127.0.0.1/32'],
    concurrency: CONCURRENCY,
    progressIntervalMs: 60_000,
    pollIntervalMs: 20,
    defaults: { ...DEFAULT_CRAWL_LIMITS, requestsPerSecondPerHost: 1_000, concurrencyPerHost: CONCURRENCY },
  });
  const taskIds = [];
  const run = async (/** @type {Record<string, unknown>} */ job) => {
    const taskId = randomUUID();
    taskIds.push(taskId);
    return crawl.engine.run({ taskId, tenantId, job: { sameOrigin: true, respectRobotsTxt: true, ...job }, signal: new AbortController().signal, resumed: false });
  };
  try {
    // warm-up: robots.txt cached, connections open, code paths compiled
    await run({ startUrls: [`${origin}/`], maxPages: 20 });
    for (let i = 0; i < LATENCY_RUNS; i++) {
      emit({ type: 'start', at: Date.now() });
      await run({ startUrls: [`${origin}/items/${i}`], maxPages: 1, maxDepth: 0 });
    }
    emit({ type: 'crawl', at: Date.now() });
    const peak = rssSampler();
    const started = performance.now();
    const outcome = await run({ startUrls: [`${origin}/`], maxPages: 100_000, maxDepth: 5 });
    const seconds = (performance.now() - started) / 1000;
    emit({ type: 'result', pages: outcome.counts.done + outcome.counts.failed, seconds, peakRssMb: peak() });
  } finally {
    await prisma.$executeRawUnsafe(`DELETE FROM scraper.pages WHERE task_id = ANY($1::uuid[])`, taskIds);
    await prisma.$executeRawUnsafe(`DELETE FROM scraper.frontier WHERE task_id = ANY($1::uuid[])`, taskIds);
    await prisma.$executeRawUnsafe(`DELETE FROM scraper.crawls WHERE task_id = ANY($1::uuid[])`, taskIds);
    await crawl.close();
    await deleteKeysWithPrefix(redis, redisPrefix);
    redis.disconnect();
    await prisma.$disconnect();
  }
}

async function runCrawlee(/** @type {string} */ origin) {
  const { CheerioCrawler, Configuration, log } = require('@crawlee/cheerio');
  log.setLevel(log.LEVELS.OFF);
  const crawler = (/** @type {number} */ maxRequests, /** @type {boolean} */ follow) => {
    let pages = 0;
    const instance = new CheerioCrawler(
      {
        minConcurrency: CONCURRENCY,
        maxConcurrency: CONCURRENCY,
        maxRequestsPerCrawl: maxRequests,
        maxRequestRetries: 0,
        async requestHandler({ $, enqueueLinks }) {
          pages++;
          // the same extraction work as Sluice's: a few fields
          $('h1.name').first().text();
          $('.price').first().attr('data-amount');
          $('li.tag').map((_, el) => $(el).text()).get();
          if (follow) await enqueueLinks({ strategy: 'same-origin' });
        },
        failedRequestHandler() {
          pages++;
        },
      },
      new Configuration({ persistStorage: false, purgeOnStart: true }),
    );
    return { instance, pages: () => pages };
  };
  await crawler(20, true).instance.run([`${origin}/`]);
  for (let i = 0; i < LATENCY_RUNS; i++) {
    const { instance } = crawler(1, false);
    emit({ type: 'start', at: Date.now() });
    await instance.run([`${origin}/items/${i}`]);
  }
  emit({ type: 'crawl', at: Date.now() });
  const { instance, pages } = crawler(100_000, true);
  const peak = rssSampler();
  const started = performance.now();
  await instance.run([`${origin}/`]);
  const seconds = (performance.now() - started) / 1000;
  emit({ type: 'result', pages: pages(), seconds, peakRssMb: peak() });
}

/** Runs one crawler in a child process; its first page request after each `start` is read off the site's log. */
async function measureChild(/** @type {string} */ impl, /** @type {any} */ site) {
  const child = spawn(process.execPath, [__filename, 'child', impl, site.origin], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'], env: process.env });
  /** @type {number[]} */
  const starts = [];
  let crawlStart = Infinity;
  /** @type {any} */
  let result;
  for await (const line of createInterface({ input: /** @type {import('node:stream').Readable} */ (child.stdout) })) {
    const event = JSON.parse(line);
    if (event.type === 'start') starts.push(event.at);
    if (event.type === 'crawl') crawlStart = event.at;
    if (event.type === 'result') result = event;
  }
  const code = await new Promise((r) => (child.exitCode !== null ? r(child.exitCode) : child.once('exit', r)));
  if (code !== 0 || !result) throw new Error(`${impl} crawl failed (exit ${code})`);
  const pageRequests = site.log.filter((/** @type {any} */ e) => e.site === 'main' && e.path !== '/robots.txt' && !e.path.includes('sitemap'));
  const latencies = starts
    .map((at, i) => {
      const end = starts[i + 1] ?? crawlStart;
      const first = pageRequests.find((/** @type {any} */ e) => e.at >= at && e.at < end);
      return first ? first.at - at : undefined;
    })
    .filter((/** @type {number | undefined} */ ms) => ms !== undefined)
    .sort((/** @type {number} */ a, /** @type {number} */ b) => a - b);
  site.log.length = 0;
  return {
    ops_per_s: Math.round(result.pages / result.seconds),
    p50_ms: percentile(latencies, 50),
    p99_ms: percentile(latencies, 99),
    count: result.pages,
    errors: LATENCY_RUNS - latencies.length,
    peak_rss_mb: result.peakRssMb,
  };
}

async function main() {
  // Node strips the fixture's TypeScript types itself (it uses only erasable syntax).
  const { startFixtureSite } = require(resolve(ROOT, 'e2e/support/fixture-site.ts'));
  const site = await startFixtureSite(SITE);
  try {
    const sluice = await measureChild('sluice', site);
    const crawlee = await measureChild('crawlee', site);
    const extra = { concurrency: CONCURRENCY, site_pages: site.expected.length, latency: 'run start to first page request (ms)' };
    const name = 'crawl: pages/s on a loopback site, start-to-first-request latency';
    console.log(JSON.stringify({ name, impl: 'sluice', ...sluice, peer: 'crawlee-cheerio', ratio: round(sluice.ops_per_s / crawlee.ops_per_s, 2), ...extra }));
    console.log(JSON.stringify({ name, impl: 'crawlee-cheerio', ...crawlee, peer: null, ratio: null, ...extra }));
  } finally {
    await site.close();
  }
}

if (process.argv[2] === 'child') {
  const [impl, origin] = process.argv.slice(3);
  (impl === 'sluice' ? runSluice(origin) : runCrawlee(origin)).then(
    () => process.exit(0),
    (error) => {
      process.stderr.write(`${error?.stack ?? error}\n`);
      process.exit(1);
    },
  );
} else {
  main().catch((error) => {
    process.stderr.write(`${error?.stack ?? error}\n`);
    process.exit(1);
  });
}
