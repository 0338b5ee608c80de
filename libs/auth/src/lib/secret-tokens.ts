import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** 256 random bits, URL-safe. */
export const randomSecret = (bytes = 32) => randomBytes(bytes).toString('base64url');

export const sha256 = (value: string) => createHash('sha256').update(value).digest('base64url');

/** HMAC-SHA256 with the server's pepper: a stolen table of hashes is useless without the pepper. */
export const keyedHash = (pepper: string, value: string) => createHmac('sha256', pepper).update(value).digest('base64url');

/** Constant-time comparison of two base64url digests. */
export function sameDigest(a: string, b: string): boolean {
  const left = Buffer.from(a, 'base64url');
  const right = Buffer.from(b, 'base64url');
  return left.length === right.length && timingSafeEqual(left, right);
}
