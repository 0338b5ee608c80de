import { UnauthenticatedError } from '@sluice/contracts';
import { createSigner } from 'fast-jwt';
import { AccessTokens } from './access-tokens';

const K1 = { kid: 'k1', secret: 'Qw3eR5tY7uI9oP1aS3dF5gH7jK9lZ1xC' };
const K2 = { kid: 'k2', secret: 'Vb7nQ1xZ4mK9pL2wR8tY5uJ3hG6fD0sA' };
const principal = { id: 'u-1', tenantId: 't-1', role: 'admin' as const };

describe('AccessTokens', () => {
  it('round-trips the principal', () => {
    const tokens = new AccessTokens([K1], 60);
    expect(tokens.principalOf(tokens.issue(principal))).toEqual({ kind: 'user', ...principal });
  });

  it('keeps verifying tokens of an older key after a new key starts signing', () => {
    const before = new AccessTokens([K1], 60).issue(principal);
    const after = new AccessTokens([K2, K1], 60);
    expect(after.principalOf(before)).toMatchObject({ id: 'u-1' });
    const fresh = after.issue(principal);
    expect(JSON.parse(Buffer.from(fresh.split('.')[0], 'base64url').toString()).kid).toBe('k2');
    expect(() => new AccessTokens([K1], 60).principalOf(fresh)).toThrow(UnauthenticatedError);
  });

  it('refuses a token signed with an unknown secret under a known kid', () => {
    const forged = createSigner({ key: 'x'.repeat(40), algorithm: 'HS256', kid: 'k1', iss: 'sluice', aud: 'sluice-api' })({
      sub: 'u-1', org: 't-2', role: 'admin', typ: 'access',
    });
    expect(() => new AccessTokens([K1], 60).principalOf(forged)).toThrow('access token invalid or expired');
  });

  it('refuses an expired token', () => {
    const expired = createSigner({ key: K1.secret, algorithm: 'HS256', kid: 'k1', iss: 'sluice', aud: 'sluice-api', expiresIn: 1, clockTimestamp: Date.now() - 10_000 })({
      sub: 'u-1', org: 't-1', role: 'admin', typ: 'access',
    });
    expect(() => new AccessTokens([K1], 60).principalOf(expired)).toThrow(UnauthenticatedError);
  });

  it('refuses the "none" algorithm and garbage', () => {
    const header = Buffer.from(JSON.stringify({ alg: 'none', kid: 'k1' })).toString('base64url');
    const body = Buffer.from(JSON.stringify({ sub: 'u', org: 't', role: 'admin', typ: 'access', exp: 9e9, iss: 'sluice', aud: 'sluice-api' })).toString('base64url');
    const tokens = new AccessTokens([K1], 60);
    expect(() => tokens.principalOf(`${header}.${body}.`)).toThrow(UnauthenticatedError);
    expect(() => tokens.principalOf('not.a.token')).toThrow(UnauthenticatedError);
  });
});
