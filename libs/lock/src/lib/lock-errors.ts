import { InvalidArgumentError, SluiceError } from '@sluice/contracts';

/** Why a held lock stopped being ours. */
export type LockLostReason =
  /** another owner's token is in the key: our lease ran out and someone else took the lock */
  | 'taken'
  /** the key is gone: it expired, or an admin force-released it */
  | 'expired'
  /** no extension succeeded before the lease could have run out (Redis unreachable, or this process paused or blocked) */
  | 'lease-elapsed'
  /** only from `extend()` on a handle that was already released */
  | 'released';

/** A lock name, key prefix or option that cannot work. */
export class InvalidLockArgumentError extends InvalidArgumentError {}

/** The lock stayed held by someone else for the whole acquire timeout. */
export class LockAcquireTimeoutError extends SluiceError {
  constructor(
    readonly lockName: string,
    readonly waitedMs: number,
    readonly attempts: number,
  ) {
    super('FAILED_PRECONDITION', `lock "${lockName}" is held by another owner; gave up after ${waitedMs} ms and ${attempts} attempts`);
  }
}

/**
 * The lock is no longer ours. This is the `reason` of the signal given to the lock holder; `extend()`
 * throws it too. Whatever the holder writes after this must be rejected by its fencing token.
 */
export class LockLostError extends SluiceError {
  constructor(
    readonly lockName: string,
    readonly reason: LockLostReason,
    readonly fence: number,
  ) {
    super('FAILED_PRECONDITION', `lock "${lockName}" (fence ${fence}) was lost: ${reason}`);
  }
}

/** Redis failed on every attempt until the acquire timeout; `cause` is the last failure. */
export class LockBackendError extends SluiceError {
  constructor(
    readonly lockName: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super('UNAVAILABLE', message);
    if (options && 'cause' in options) this.cause = options.cause;
  }
}
