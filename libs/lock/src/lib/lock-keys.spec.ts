import { InvalidLockArgumentError } from './lock-errors';
import { assertKeyPrefix, assertLockName, lockKeyPattern, lockKeys, lockNameOfKey, MAX_LOCK_NAME_LENGTH } from './lock-keys';

describe('lock names', () => {
  it.each(['scheduler-leader', 'pipeline:t_42:daily_load', 'tenant/acme/run=7', 'a', '_x', 'user@host+1', 'x'.repeat(MAX_LOCK_NAME_LENGTH)])(
    'accepts %s',
    (name) => {
      expect(() => assertLockName(name)).not.toThrow();
    },
  );

  it.each(['', ' ', 'has space', 'glob*', 'glob?', 'br[ack]et', 'back\\slash', ':leading-colon', '-leading-dash', 'ünïcode', 'new\nline', 'x'.repeat(MAX_LOCK_NAME_LENGTH + 1)])(
    'rejects %j with an error naming the rule',
    (name) => {
      expect(() => assertLockName(name)).toThrow(InvalidLockArgumentError);
      expect(() => assertLockName(name)).toThrow(/invalid lock name .*1-200 characters/);
    },
  );

  it('maps to INVALID_ARGUMENT for the transports', () => {
    try {
      assertLockName('no spaces');
      throw new Error('accepted');
    } catch (error) {
      expect(error).toMatchObject({ code: 'INVALID_ARGUMENT', violations: [{ path: 'name' }] });
    }
  });
});

describe('key prefixes', () => {
  it.each(['sluice', 'sluice-test-ab12cd', 'a.b:c_d'])('accepts %s', (prefix) => {
    expect(() => assertKeyPrefix(prefix)).not.toThrow();
  });

  it.each(['', 'with space', 'star*', 'slash/', 'x'.repeat(101)])('rejects %j', (prefix) => {
    expect(() => assertKeyPrefix(prefix)).toThrow(InvalidLockArgumentError);
  });
});

describe('lock keys', () => {
  it('puts the lock at <prefix>:lock:<name> and its state beside it', () => {
    expect(lockKeys('sluice', 'pipeline:t1:p')).toEqual({ lock: 'sluice:lock:pipeline:t1:p', state: 'sluice:lock-state:pipeline:t1:p' });
  });

  it('finds lock keys but not state keys with the SCAN pattern, and maps them back to names', () => {
    const pattern = new RegExp(`^${lockKeyPattern('p').replace('*', '.*')}$`);
    const keys = lockKeys('p', 'a:b');
    expect(pattern.test(keys.lock)).toBe(true);
    expect(pattern.test(keys.state)).toBe(false);
    expect(lockNameOfKey('p', keys.lock)).toBe('a:b');
  });
});

describe('lockKeyPattern', () => {
  it('matches a name prefix literally', () => {
    expect(lockKeyPattern('sluice', 'tenant:a*b:')).toBe('sluice:lock:tenant:a\\*b:*');
    expect(lockKeyPattern('sluice')).toBe('sluice:lock:*');
  });
});
