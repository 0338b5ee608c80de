// @ts-check
// Cache reads of existing keys, three ways, at the same concurrency against the same Redis:
// through the cache service (gRPC, the real service spawned from apps/cache/dist), through a
// client's near-cache (after a first read), and a raw ioredis GET of the same bytes.
'use strict';
const { spawn } = require('node:child_process');
const { randomBytes, randomUUID } = require('node:crypto');
const { resolve } = require('node:path');
const { Redis } = require('ioredis');
const { jetstreamManager } = require('@nats-io/jetstream');
const { deleteKeysWithPrefix } = require('./support/redis-keys.cjs');
const { measure, reportComparison } = require('./support/measure.cjs');

const ROOT = resolve(__dirname, '..');
const { createCacheClient, encodeEntry } = require(resolve(ROOT, 'libs/cache-client/dist/index.js'));
const { connectNats, closeNats, productionTopology } = require(resolve(ROOT, 'libs/messaging/dist/index.js'));
const { freePort } = require(resolve(ROOT, 'libs/testing/dist/index.js'));

const KEYS = 1000;
const CONCURRENCY = 32;
const SERVICE_ITERATIONS = 10_000;
const NEAR_ITERATIONS = 200_000;
const REDIS_ITERATIONS = 50_000;

const env = (/** @type {string} */ name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

/** A small record like the ones services cache (~250 bytes serialized). */
const valueFor = (/** @type {number} */ i) => ({
  id: i,
  name: `item ${i}`,
  updatedAt: new Date(1_700_000_000_000 + i),
  tags: ['alpha', 'beta', 'gamma'],
  attributes: { color: 'blue', size: i % 7, weight: i * 1.5, description: 'a short description of the item' },
});

async function waitUntilReady(/** @type {number} */ httpPort, /** @type {import('node:child_process').ChildProcess} */ child) {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`cache service exited with ${child.exitCode}`);
    try {
      const res = await fetch(`http://127.0.0.1:${httpPort}/health/ready`, { signal: AbortSignal.timeout(1_000) });
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('cache service not ready within 30 s');
}

async function stopService(/** @type {import('node:child_process').ChildProcess} */ child) {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}


async function main() {
  const id = randomBytes(4).toString('hex');
  const namespace = `bc${id}`;
  const servicePrefix = `sluice-bench-${id}`;
  const peerPrefix = `sluice-bench-peer-${id}`;
  const [httpPort, grpcPort] = [await freePort(), await freePort()];
  const tenantId = randomUUID();
  const internalToken = env('SLUICE_INTERNAL_TOKEN');

  const child = spawn(process.execPath, [resolve(ROOT, 'apps/cache/dist/main.js')], {
    cwd: ROOT,
    env: {
      ...process.env,
      HTTP_PORT: String(httpPort),
      GRPC_PORT: String(grpcPort),
      SLUICE_NATS_NAMESPACE: namespace,
      SLUICE_REDIS_PREFIX: servicePrefix,
      LOG_LEVEL: 'warn',
      NODE_ENV: 'production',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });

  const redis = new Redis(env('REDIS_URL'));
  const nc = await connectNats({ url: env('NATS_URL'), name: 'sluice-cache-bench' });
  const topology = productionTopology(namespace);
  /** @type {{ close(): void }[]} */
  const clients = [];
  try {
    await waitUntilReady(httpPort, child);
    const address = `127.0.0.1:${grpcPort}`;
    const service = await createCacheClient({ address, internalToken, tenantId });
    const near = await createCacheClient({
      address,
      internalToken,
      tenantId,
      nats: nc,
      topology,
      nearCache: { maxEntries: 10_000, maxBytes: 32 * 1024 * 1024, ttlMs: 5 * 60_000 },
    });
    clients.push(service, near);

    const keys = Array.from({ length: KEYS }, (_, i) => `item:${i}`);
    for (let i = 0; i < KEYS; i += 500) {
      await service.mset(keys.slice(i, i + 500).map((key, j) => ({ key, value: valueFor(i + j), ttlMs: 10 * 60_000 })));
    }
    // The peer stores exactly the bytes the client sends, and reads them raw.
    const pipeline = redis.pipeline();
    keys.forEach((key, i) => pipeline.set(`${peerPrefix}:${key}`, encodeEntry(key, valueFor(i)), 'PX', 10 * 60_000));
    await pipeline.exec();
    const valueBytes = encodeEntry(keys[0], valueFor(0)).length;

    for (const key of keys) await near.get(key); // fill the near-cache
    const nearHitsBefore = near.metrics().near?.hits ?? 0;

    const peer = await measure({
      op: (i) => redis.getBuffer(`${peerPrefix}:${keys[i % KEYS]}`),
      iterations: REDIS_ITERATIONS,
      concurrency: CONCURRENCY,
    });
    const viaService = await measure({ op: (i) => service.get(keys[i % KEYS]), iterations: SERVICE_ITERATIONS, concurrency: CONCURRENCY });
    const viaNear = await measure({ op: (i) => near.get(keys[i % KEYS]), iterations: NEAR_ITERATIONS, concurrency: CONCURRENCY });
    const nearHits = (near.metrics().near?.hits ?? 0) - nearHitsBefore;
    const warmupNear = Math.min(200, NEAR_ITERATIONS);

    const extra = { concurrency: CONCURRENCY, keys: KEYS, value_bytes: valueBytes };
    reportComparison('cache_get_service', viaService, 'ioredis_get', peer, extra);
    reportComparison('cache_get_near', viaNear, 'ioredis_get', peer, {
      ...extra,
      near_hit_ratio: Math.round((nearHits / (NEAR_ITERATIONS + warmupNear)) * 1000) / 1000,
    });
  } finally {
    for (const c of clients) c.close();
    await stopService(child);
    await deleteKeysWithPrefix(redis, servicePrefix);
    await deleteKeysWithPrefix(redis, peerPrefix);
    const jsm = await jetstreamManager(nc);
    for (const stream of topology.streams) await jsm.streams.delete(stream.name).catch(() => false);
    await closeNats(nc);
    await redis.quit();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
