import { InvalidationLog } from './invalidation-log';

describe('InvalidationLog', () => {
  it('says untouched when nothing happened since the read started', () => {
    const log = new InvalidationLog();
    log.record({ kind: 'keys', keys: new Set(['a']) });
    expect(log.touchedSince(log.current, 'a')).toBe(false);
  });

  it('finds a later invalidation by key, prefix or everything, and ignores unrelated ones', () => {
    const log = new InvalidationLog();
    const start = log.current;
    log.record({ kind: 'keys', keys: new Set(['a']) });
    log.record({ kind: 'prefix', prefix: 'user:' });
    expect(log.touchedSince(start, 'a')).toBe(true);
    expect(log.touchedSince(start, 'user:7')).toBe(true);
    expect(log.touchedSince(start, 'b')).toBe(false);
    log.record({ kind: 'all' });
    expect(log.touchedSince(start, 'b')).toBe(true);
  });

  it('ignores invalidations from before the read started', () => {
    const log = new InvalidationLog();
    log.record({ kind: 'keys', keys: new Set(['a']) });
    const start = log.current;
    log.record({ kind: 'keys', keys: new Set(['b']) });
    expect(log.touchedSince(start, 'a')).toBe(false);
  });

  it('answers touched once it has forgotten invalidations since the read started', () => {
    const log = new InvalidationLog(2);
    const start = log.current;
    for (const k of ['x', 'y', 'z']) log.record({ kind: 'keys', keys: new Set([k]) });
    expect(log.touchedSince(start, 'unrelated')).toBe(true);
    expect(log.touchedSince(start + 1, 'unrelated')).toBe(false);
  });
});
