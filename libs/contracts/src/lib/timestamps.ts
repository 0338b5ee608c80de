import type { Timestamp } from '../generated/google/protobuf/timestamp';

/** Date → google.protobuf.Timestamp (seconds as a string, as the loader is set up with longs: String). */
export function toTimestamp(date: Date): Timestamp {
  const ms = date.getTime();
  const seconds = Math.floor(ms / 1000);
  return { seconds: String(seconds), nanos: (ms - seconds * 1000) * 1_000_000 };
}

export function toOptionalTimestamp(date: Date | null | undefined): Timestamp | undefined {
  return date ? toTimestamp(date) : undefined;
}

/** google.protobuf.Timestamp → RFC 3339 UTC string with milliseconds, or undefined when unset. */
export function timestampToIso(ts: Timestamp | null | undefined): string | undefined {
  if (!ts || (ts.seconds === undefined && ts.nanos === undefined)) return undefined;
  const ms = Number(ts.seconds ?? 0) * 1000 + Math.floor((ts.nanos ?? 0) / 1_000_000);
  return new Date(ms).toISOString();
}
