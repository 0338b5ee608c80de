// @ts-check
// The benchmark's input: a deterministic CSV of orders (same seed, same bytes on every run) and
// the matching column list, written with backpressure so generating 100 MB never holds it in memory.
'use strict';
const { createWriteStream } = require('node:fs');
const { once } = require('node:events');

/** The table shape, as ingest step columns and as the plain COPY table's DDL. */
const ORDER_COLUMNS = [
  { name: 'id', type: 'integer' },
  { name: 'customer', type: 'text' },
  { name: 'category', type: 'text' },
  { name: 'amount', type: 'numeric' },
  { name: 'quantity', type: 'integer' },
  { name: 'ordered_on', type: 'date' },
  { name: 'paid', type: 'boolean' },
  { name: 'comment', type: 'text', nullable: true },
];

/** mulberry32: a tiny seeded PRNG, so the file is the same on every run. */
function prng(/** @type {number} */ seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = ['packed', 'fragile', 'gift wrap', 'express', 'leave at door', 'call first', 'second floor', 'no invoice'];

/** Writes `rows` order rows (plus a header) to `path`; resolves with the file's size in bytes. */
async function writeOrdersCsv(/** @type {string} */ path, /** @type {number} */ rows, seed = 42) {
  const random = prng(seed);
  const out = createWriteStream(path);
  out.write(`${ORDER_COLUMNS.map((c) => c.name).join(',')}\n`);
  const day0 = Date.UTC(2020, 0, 1);
  for (let start = 1; start <= rows; start += 10_000) {
    let chunk = '';
    for (let id = start; id < Math.min(start + 10_000, rows + 1); id++) {
      const customer = `customer-${String(Math.floor(random() * 200_000)).padStart(7, '0')}`;
      const category = `category-${String(Math.floor(random() * 40)).padStart(2, '0')}`;
      const amount = (random() * 5000).toFixed(2);
      const quantity = 1 + Math.floor(random() * 50);
      const orderedOn = new Date(day0 + Math.floor(random() * 1500) * 86_400_000).toISOString().slice(0, 10);
      const paid = random() < 0.8 ? 'true' : 'false';
      const comment = random() < 0.1 ? '' : `"Order ${id}, ${WORDS[Math.floor(random() * WORDS.length)]}, ${WORDS[Math.floor(random() * WORDS.length)]}"`;
      chunk += `${id},${customer},${category},${amount},${quantity},${orderedOn},${paid},${comment}\n`;
    }
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return out.bytesWritten;
}

module.exports = { ORDER_COLUMNS, writeOrdersCsv };
