// @ts-check
// The one way benchmarks measure and report: a fixed number of operations at a fixed concurrency,
// latency of each from performance.now(), one JSON line per implementation.
'use strict';

/**
 * @typedef {{ ops_per_s: number, p50_ms: number, p99_ms: number, count: number, errors: number }} Stats
 */

const round = (/** @type {number} */ n, digits = 3) => Math.round(n * 10 ** digits) / 10 ** digits;

function percentile(/** @type {number[]} */ sorted, /** @type {number} */ p) {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/**
 * Runs `op` `iterations` times with `concurrency` in flight; `warmup` runs first and is not counted.
 * An op that throws counts as an error (and its latency is still recorded).
 * @param {{ op: (i: number) => Promise<unknown>, iterations: number, concurrency: number, warmup?: number }} options
 * @returns {Promise<Stats>}
 */
async function measure({ op, iterations, concurrency, warmup = Math.min(200, iterations) }) {
  let next = 0;
  const runWorkers = async (/** @type {number} */ total, /** @type {number[] | null} */ latencies) => {
    let errors = 0;
    next = 0;
    const worker = async () => {
      while (next < total) {
        const i = next++;
        const start = performance.now();
        try {
          await op(i);
        } catch {
          errors++;
        }
        latencies?.push(performance.now() - start);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
    return errors;
  };
  await runWorkers(warmup, null);
  /** @type {number[]} */
  const latencies = [];
  const started = performance.now();
  const errors = await runWorkers(iterations, latencies);
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    ops_per_s: Math.round(iterations / seconds),
    p50_ms: round(percentile(latencies, 50)),
    p99_ms: round(percentile(latencies, 99)),
    count: iterations,
    errors,
  };
}

/**
 * Prints Sluice's line (with the peer and ratio = Sluice ops/s ÷ peer ops/s) and the peer's line.
 * @param {string} name @param {Stats} sluice @param {string} peer @param {Stats} peerStats
 * @param {Record<string, unknown>} [extra] e.g. concurrency, violations
 */
function reportComparison(name, sluice, peer, peerStats, extra = {}) {
  console.log(JSON.stringify({ name, impl: 'sluice', ...sluice, peer, ratio: round(sluice.ops_per_s / peerStats.ops_per_s, 2), ...extra }));
  console.log(JSON.stringify({ name, impl: peer, ...peerStats, peer: null, ratio: null, ...extra }));
}

/** Prints one line for a measurement without a peer. @param {string} name @param {Stats} stats @param {Record<string, unknown>} [extra] */
function report(name, stats, extra = {}) {
  console.log(JSON.stringify({ name, impl: 'sluice', ...stats, peer: null, ratio: null, ...extra }));
}

module.exports = { measure, report, reportComparison, percentile };
