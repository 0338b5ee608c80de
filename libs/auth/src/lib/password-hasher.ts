import { Algorithm, hash, verify } from '@node-rs/argon2';
import { z } from 'zod';

// OWASP's argon2id baseline (19 MiB, 2 passes, 1 lane): a few tens of ms per hash on this class of
// machine, and the work runs on libuv's thread pool, not the event loop.
const OPTIONS = { algorithm: Algorithm.Argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/** What a password must be: long enough to resist guessing, short enough not to be a DoS vector. */
export const Password = z
  .string()
  .min(12, { error: 'must be at least 12 characters' })
  .max(256, { error: 'must be at most 256 characters' });

export const hashPassword = (password: string): Promise<string> => hash(password, OPTIONS);

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

/** A hash to verify against when the account does not exist, so timing does not reveal which emails exist. */
let dummyHash: Promise<string> | undefined;
export const dummyPasswordHash = () => (dummyHash ??= hashPassword('sluice-timing-equaliser-not-a-password'));
