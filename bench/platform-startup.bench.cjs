// @ts-check
// Starts all eight services as `npm start` does and prints one JSON line: seconds until every one
// answers /health/ready, and the resident memory of each right after.
'use strict';
const { readFileSync } = require('node:fs');
const { startPlatform } = require('../scripts/platform.cjs');

function rssMb(/** @type {number | undefined} */ pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 102.4) / 10;
}

async function main() {
  const started = performance.now();
  const platform = await startPlatform({
    portOffset: 1300,
    env: { SLUICE_NATS_NAMESPACE: 'bench', LOG_LEVEL: 'warn' },
    log: () => undefined,
  });
  const seconds = (performance.now() - started) / 1000;
  const rss = Object.fromEntries(platform.running.map((r) => [r.spec.name, rssMb(r.child.pid)]));
  await platform.stop();
  const values = Object.values(rss);
  console.log(
    JSON.stringify({
      name: 'platform_startup',
      services: values.length,
      seconds_to_ready: Math.round(seconds * 100) / 100,
      rss_mb_total: Math.round(values.reduce((a, b) => a + b, 0)),
      rss_mb_max: Math.max(...values),
      rss_mb: rss,
    }),
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
