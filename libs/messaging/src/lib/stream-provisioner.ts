import {
  DiscardPolicy,
  JetStreamApiError,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
  type JetStreamManager,
  type StreamConfig,
  type StreamInfo,
} from '@nats-io/jetstream';
import { nanos, type NatsConnection } from '@nats-io/transport-node';
import { StreamConfigConflictError } from './messaging-errors';
import type { StreamRetention, StreamSpec, Topology } from './topology';

export type StreamProvisioning = 'created' | 'updated' | 'unchanged';

export interface EnsuredStream {
  readonly name: string;
  readonly action: StreamProvisioning;
}

const STREAM_NOT_FOUND = 10059;
const STREAM_NAME_IN_USE = 10058;

const RETENTION: Record<StreamRetention, RetentionPolicy> = {
  workqueue: RetentionPolicy.Workqueue,
  limits: RetentionPolicy.Limits,
  interest: RetentionPolicy.Interest,
};

/**
 * Creates every stream of the topology, or updates one whose config drifted from it. Idempotent and
 * safe to run concurrently from every service at start-up: a lost creation race is resolved by
 * re-reading the stream and comparing again.
 */
export async function ensureStreams(target: NatsConnection | JetStreamManager, topology: Topology): Promise<EnsuredStream[]> {
  const jsm = isManager(target) ? target : await jetstreamManager(target);
  const results: EnsuredStream[] = [];
  for (const spec of topology.streams) {
    results.push({ name: spec.name, action: await ensureStream(jsm, spec) });
  }
  return results;
}

/** The server config the spec stands for (only the fields the spec owns). */
export function streamConfigFor(spec: StreamSpec): Pick<
  StreamConfig,
  'name' | 'subjects' | 'retention' | 'storage' | 'max_age' | 'max_bytes' | 'duplicate_window' | 'num_replicas' | 'discard'
> {
  return {
    name: spec.name,
    subjects: [...spec.subjects],
    retention: RETENTION[spec.retention],
    storage: StorageType.File,
    max_age: nanos(spec.maxAgeMs),
    max_bytes: spec.maxBytes,
    duplicate_window: nanos(spec.duplicateWindowMs),
    num_replicas: spec.replicas,
    discard: DiscardPolicy.Old,
  };
}

async function ensureStream(jsm: JetStreamManager, spec: StreamSpec): Promise<StreamProvisioning> {
  const desired = streamConfigFor(spec);
  const existing = await streamInfo(jsm, spec.name);
  if (!existing) {
    try {
      await jsm.streams.add(desired);
      return 'created';
    } catch (error) {
      // Another service created it between our info and add; compare against what it made.
      if (!(error instanceof JetStreamApiError && error.code === STREAM_NAME_IN_USE)) throw error;
      const winner = await streamInfo(jsm, spec.name);
      if (!winner) throw error;
      return reconcile(jsm, spec, desired, winner);
    }
  }
  return reconcile(jsm, spec, desired, existing);
}

async function reconcile(
  jsm: JetStreamManager,
  spec: StreamSpec,
  desired: ReturnType<typeof streamConfigFor>,
  existing: StreamInfo,
): Promise<StreamProvisioning> {
  const drift = driftedFields(desired, existing.config);
  if (drift.length === 0) return 'unchanged';
  for (const field of ['retention', 'storage'] as const) {
    if (drift.includes(field)) {
      throw new StreamConfigConflictError(
        spec.name,
        field,
        `stream ${spec.name} has ${field} "${existing.config[field]}" but the topology wants "${desired[field]}"; the server cannot change it in place`,
      );
    }
  }
  const { name: _name, retention: _retention, storage: _storage, ...updatable } = desired;
  await jsm.streams.update(spec.name, updatable);
  return 'updated';
}

/** Names of the fields whose value on the server differs from the desired config. */
export function driftedFields(desired: ReturnType<typeof streamConfigFor>, actual: StreamConfig): string[] {
  const drifted: string[] = [];
  const same = (a: readonly string[], b: readonly string[] = []) => a.length === b.length && [...a].sort().every((s, i) => s === [...b].sort()[i]);
  if (!same(desired.subjects, actual.subjects)) drifted.push('subjects');
  for (const field of ['retention', 'storage', 'max_age', 'max_bytes', 'duplicate_window', 'num_replicas', 'discard'] as const) {
    if (desired[field] !== actual[field]) drifted.push(field);
  }
  return drifted;
}

async function streamInfo(jsm: JetStreamManager, name: string): Promise<StreamInfo | undefined> {
  try {
    return await jsm.streams.info(name);
  } catch (error) {
    if (error instanceof JetStreamApiError && error.code === STREAM_NOT_FOUND) return undefined;
    throw error;
  }
}

function isManager(target: NatsConnection | JetStreamManager): target is JetStreamManager {
  return 'streams' in target && 'consumers' in target;
}
