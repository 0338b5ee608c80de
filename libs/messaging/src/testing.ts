import { JetStreamApiError, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { randomBytes } from 'node:crypto';
import { productionTopology, type Topology } from './lib/topology';

const STREAM_NOT_FOUND = 10059;

/** A topology of its own for one test: namespace `t<8 random chars>`, streams `T..._JOBS`... */
export function isolatedTopology(): Topology {
  const suffix = [...randomBytes(8)].map((b) => 'abcdefghijklmnopqrstuvwxyz0123456789'[b % 36]).join('');
  return productionTopology(`t${suffix}`, { eventsMaxBytes: 64 * 1024 * 1024, deadLettersMaxBytes: 64 * 1024 * 1024 });
}

/** Deletes the topology's streams (and so their consumers); missing streams are fine. */
export async function removeTopology(nc: NatsConnection, topology: Topology): Promise<void> {
  const jsm = await jetstreamManager(nc);
  for (const stream of topology.streams) {
    await jsm.streams.delete(stream.name).catch((error: unknown) => {
      if (!(error instanceof JetStreamApiError && error.code === STREAM_NOT_FOUND)) throw error;
    });
  }
}

type Absent = undefined | null | false;

/** Polls `probe` until it returns a value other than undefined/null/false, or fails after `timeoutMs`. */
export async function eventually<T>(probe: () => T | Absent | Promise<T | Absent>, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
