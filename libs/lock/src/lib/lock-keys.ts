import { InvalidLockArgumentError } from './lock-errors';

export const MAX_LOCK_NAME_LENGTH = 200;
export const MAX_PREFIX_LENGTH = 100;

// No Redis glob characters (* ? [ ] \), so `<prefix>:lock:*` is a safe SCAN pattern as it is.
const LOCK_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.:/=@+-]*$/;
const PREFIX = /^[A-Za-z0-9_][A-Za-z0-9_.:-]*$/;

/** Throws `InvalidLockArgumentError` unless `name` is 1–200 characters of `A-Z a-z 0-9 _ . : / = @ + -`, not starting with punctuation. */
export function assertLockName(name: string): void {
  if (typeof name !== 'string' || name.length === 0 || name.length > MAX_LOCK_NAME_LENGTH || !LOCK_NAME.test(name)) {
    throw new InvalidLockArgumentError(
      `invalid lock name ${JSON.stringify(name)}: use 1-${MAX_LOCK_NAME_LENGTH} characters from A-Z a-z 0-9 _ . : / = @ + -, starting with a letter, digit or _`,
      [{ path: 'name', message: 'invalid lock name' }],
    );
  }
}

/** Throws `InvalidLockArgumentError` unless `prefix` is 1–100 characters of `A-Z a-z 0-9 _ . : -`. */
export function assertKeyPrefix(prefix: string): void {
  if (typeof prefix !== 'string' || prefix.length === 0 || prefix.length > MAX_PREFIX_LENGTH || !PREFIX.test(prefix)) {
    throw new InvalidLockArgumentError(
      `invalid key prefix ${JSON.stringify(prefix)}: use 1-${MAX_PREFIX_LENGTH} characters from A-Z a-z 0-9 _ . : -`,
      [{ path: 'prefix', message: 'invalid key prefix' }],
    );
  }
}

/** The Redis keys of one lock. */
export interface LockKeys {
  /** `<prefix>:lock:<name>`, value = owner token, expires with the lease */
  readonly lock: string;
  /**
   * `<prefix>:lock-state:<name>`, hash { fence, token, owner, acquiredAt }: the fencing counter and
   * the latest holder's description. Never expires, so fencing tokens never go back.
   */
  readonly state: string;
}

export function lockKeys(prefix: string, name: string): LockKeys {
  return { lock: `${prefix}:lock:${name}`, state: `${prefix}:lock-state:${name}` };
}

/** SCAN pattern matching every lock key under `prefix`. */
const escapeGlob = (text: string) => text.replace(/[*?[\]\\]/g, '\\$&');

export const lockKeyPattern = (prefix: string, namePrefix = ''): string => `${escapeGlob(prefix)}:lock:${escapeGlob(namePrefix)}*`;

/** The lock name inside a key returned by a SCAN of `lockKeyPattern(prefix)`. */
export const lockNameOfKey = (prefix: string, key: string): string => key.slice(`${prefix}:lock:`.length);
