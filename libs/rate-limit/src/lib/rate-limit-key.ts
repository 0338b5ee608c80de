import { hash } from 'node:crypto';
import type { ResolvedPolicy } from './rate-limit-policy';

const ALGORITHM_TAG = { gcra: 'gcra', 'sliding-window': 'sw' } as const;

/**
 * The part of a Redis key that names one caller key under one policy. The caller's key is hashed
 * (sha256, base64url: 43 characters), so whatever a client sends, the Redis key stays short and
 * carries no user data.
 */
export function keyIdentity(policy: ResolvedPolicy, key: string): string {
  return `${policy.name}:${ALGORITHM_TAG[policy.algorithm]}:${hash('sha256', key, 'base64url')}`;
}

/** `<prefix>:ratelimit:<policy>:<gcra|sw>:<sha256(key)>`. */
export const redisKey = (prefix: string, identity: string): string => `${prefix}:ratelimit:${identity}`;
