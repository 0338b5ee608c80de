import { InvalidArgumentError } from 'commander';
import { UsageError } from './errors/cli-errors';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A commander argument parser for an integer in [min, max]. */
export function integerIn(min: number, max: number): (value: string) => number {
  return (value) => {
    if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) throw new InvalidArgumentError(`must be an integer from ${min} to ${max}`);
    return Number(value);
  };
}

/** A commander argument parser for a UUID. */
export function uuid(value: string): string {
  if (!UUID.test(value)) throw new InvalidArgumentError('must be a UUID');
  return value.toLowerCase();
}

/** Collects a repeatable `key=value` option into a list of pairs. */
export function keyValuePairs(value: string, previous: readonly (readonly [string, string])[] = []): (readonly [string, string])[] {
  const at = value.indexOf('=');
  if (at <= 0) throw new InvalidArgumentError('must be key=value');
  return [...previous, [value.slice(0, at), value.slice(at + 1)] as const];
}

/**
 * Turns `key=value` pairs into an object: values are strings, except `key:=<json>`, whose value is
 * parsed as JSON (`--param limit:=10`, `--param tags:='["a","b"]'`). A key given twice is an error.
 */
export function objectFromPairs(pairs: readonly (readonly [string, string])[], option: string): Record<string, unknown> {
  const result: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const [rawKey, raw] of pairs) {
    const json = rawKey.endsWith(':');
    const key = json ? rawKey.slice(0, -1) : rawKey;
    if (!key) throw new UsageError(`${option}: a key is missing before '='`);
    if (Object.hasOwn(result, key)) throw new UsageError(`${option}: ${key} is given twice`);
    result[key] = json ? parseJsonValue(raw, `${option} ${key}`) : raw;
  }
  return { ...result };
}

function parseJsonValue(raw: string, what: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    throw new UsageError(`${what}: the value after ':=' is not JSON`);
  }
}
