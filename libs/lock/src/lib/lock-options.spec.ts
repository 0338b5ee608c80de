import { InvalidLockArgumentError } from './lock-errors';
import { DEFAULT_ACQUIRE_TIMEOUT_MS, DEFAULT_TTL_MS, resolveLockOptions } from './lock-options';
import { DEFAULT_RETRY } from './lock-timing';

describe('resolveLockOptions', () => {
  it('falls back to the library defaults', () => {
    expect(resolveLockOptions({})).toEqual({ ttlMs: DEFAULT_TTL_MS, acquireTimeoutMs: DEFAULT_ACQUIRE_TIMEOUT_MS, retry: DEFAULT_RETRY, autoExtend: true, signal: undefined });
  });

  it('lets call options win over the lock defaults, field by field for the retry policy', () => {
    const resolved = resolveLockOptions({ ttlMs: 5_000, acquireTimeoutMs: 100, retry: { maxMs: 1_000 } }, { ttlMs: 2_000, retry: { initialMs: 50 } });
    expect(resolved).toMatchObject({ ttlMs: 2_000, acquireTimeoutMs: 100, retry: { initialMs: 50, factor: DEFAULT_RETRY.factor, maxMs: 1_000 } });
  });

  it('accepts a zero acquire timeout (one attempt)', () => {
    expect(resolveLockOptions({}, { acquireTimeoutMs: 0 }).acquireTimeoutMs).toBe(0);
  });

  it.each([{ ttlMs: 99 }, { ttlMs: 1.5e3 + 0.5 }, { ttlMs: 2 ** 31 }, { acquireTimeoutMs: -1 }, { acquireTimeoutMs: Number.NaN }, { retry: { factor: 0 } }])(
    'rejects %o',
    (options) => {
      expect(() => resolveLockOptions({}, options)).toThrow(InvalidLockArgumentError);
    },
  );
});
