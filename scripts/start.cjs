// @ts-check
// `npm start` after set-up: runs all eight services until Ctrl-C (or SIGTERM), then stops them cleanly.
'use strict';
const { startPlatform } = require('./platform.cjs');

async function alreadyRunning(/** @type {string} */ url) {
  try {
    return (await fetch(`${url}/health/live`, { signal: AbortSignal.timeout(1000) })).ok;
  } catch {
    return false;
  }
}

async function main() {
  const gateway = `http://127.0.0.1:${process.env.GATEWAY_HTTP_PORT ?? 8080}`;
  if (await alreadyRunning(gateway)) {
    console.log(`Sluice is already running: gateway ${gateway}`);
    return;
  }
  const started = Date.now();
  const platform = await startPlatform({ readyTimeoutMs: 120_000 });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`\nSluice is ready (all eight services in ${seconds} s).`);
  console.log(`  gateway  ${platform.url('gateway')}`);
  console.log(`  docs     ${platform.url('gateway')}/docs`);
  console.log(`  status   ${platform.url('gateway')}/v1/status`);
  console.log('Press Ctrl-C to stop.\n');
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log('\nstopping Sluice...');
    await platform.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  await Promise.race(platform.running.map((r) => r.exited));
  if (!stopping) {
    console.error('a service exited; stopping the rest');
    await platform.stop();
    process.exit(1);
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
