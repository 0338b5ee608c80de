import { createHash } from 'node:crypto';
import { PipelineSpecUsageError } from './pipeline-spec-errors';

/**
 * JSON with object keys sorted at every level and no whitespace, so two definitions that mean the
 * same (key order, YAML vs JSON, defaults spelled out or not after parsing) serialise identically.
 * Array order is kept: it is meaningful (steps, checks, columns).
 */
export function canonicalJson(value: unknown): string {
  return serialise(value, 0);
}

/** sha256 (hex) of canonicalJson: store it with each version; a different hash means a new version. */
export function definitionHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value), 'utf8').digest('hex');
}

const MAX_DEPTH = 64;

function serialise(value: unknown, depth: number): string {
  if (depth > MAX_DEPTH) throw new PipelineSpecUsageError('canonicalJson: value is nested too deeply');
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new PipelineSpecUsageError('canonicalJson: numbers must be finite');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((item) => (item === undefined ? 'null' : serialise(item, depth + 1))).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${serialise(item, depth + 1)}`).join(',')}}`;
  }
  throw new PipelineSpecUsageError(`canonicalJson: cannot serialise a ${typeof value}`);
}
