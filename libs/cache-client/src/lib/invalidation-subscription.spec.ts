import { readEvent } from './invalidation-subscription';

const TENANT = '7d1f7a34-1c1e-4a55-9b1a-2b8c1d2e3f40';
const encode = (v: unknown) => new TextEncoder().encode(typeof v === 'string' ? v : JSON.stringify(v));

describe('readEvent', () => {
  it('forgets exactly the listed keys, or the prefix', () => {
    expect(readEvent(encode({ tenantId: TENANT, keys: ['a', 'b'] }), TENANT)).toEqual({
      scopes: [{ kind: 'keys', keys: new Set(['a', 'b']) }],
      unreadable: false,
    });
    expect(readEvent(encode({ tenantId: TENANT, prefix: 'user:' }), TENANT).scopes).toEqual([{ kind: 'prefix', prefix: 'user:' }]);
  });

  it('uses the keys of a tag invalidation when it lists them, and forgets everything when it does not', () => {
    expect(readEvent(encode({ tenantId: TENANT, tags: ['t'], keys: ['a'] }), TENANT).scopes).toEqual([{ kind: 'keys', keys: new Set(['a']) }]);
    expect(readEvent(encode({ tenantId: TENANT, tags: ['t'] }), TENANT).scopes).toEqual([{ kind: 'all' }]);
  });

  it("ignores another tenant's event", () => {
    expect(readEvent(encode({ tenantId: 'someone-else', keys: ['a'] }), TENANT)).toEqual({ scopes: [], unreadable: false });
  });

  it('forgets everything on a payload it cannot read, and says so', () => {
    for (const bad of ['not json', { tenantId: TENANT }, { tenantId: TENANT, keys: 'a' }, { tenantId: TENANT, keys: ['a'], extra: 1 }]) {
      expect(readEvent(encode(bad), TENANT)).toEqual({ scopes: [{ kind: 'all' }], unreadable: true });
    }
  });
});
