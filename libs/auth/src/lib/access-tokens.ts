import { UnauthenticatedError } from '@sluice/contracts';
import { createDecoder, createSigner, createVerifier } from 'fast-jwt';
import type { Principal, Role } from './principal';

export interface SigningKey {
  readonly kid: string;
  readonly secret: string;
}

interface AccessClaims {
  sub: string;
  org: string;
  role: Role;
  typ: 'access';
}

const ISSUER = 'sluice';
const AUDIENCE = 'sluice-api';

/**
 * Short-lived JWT access tokens (HS256). The first key signs and every configured key verifies,
 * picked by the token's `kid`, so a signing key can be rotated without logging anyone out:
 * add the new key first, keep the old one until its tokens have expired, then drop it.
 */
export class AccessTokens {
  private readonly sign: (claims: AccessClaims) => string;
  private readonly verifiers: ReadonlyMap<string, (token: string) => AccessClaims>;
  private readonly decodeHeader = createDecoder({ complete: true }) as (token: string) => { header: { kid?: unknown } };

  constructor(keys: readonly SigningKey[], readonly ttlSeconds: number) {
    if (keys.length === 0) throw new Error('at least one signing key is required');
    const [active] = keys;
    this.sign = createSigner({ key: active.secret, algorithm: 'HS256', kid: active.kid, expiresIn: ttlSeconds * 1000, iss: ISSUER, aud: AUDIENCE });
    this.verifiers = new Map(
      keys.map((k) => [
        k.kid,
        createVerifier({ key: k.secret, algorithms: ['HS256'], allowedIss: ISSUER, allowedAud: AUDIENCE, requiredClaims: ['exp', 'sub', 'org', 'role'] }) as (
          token: string,
        ) => AccessClaims,
      ]),
    );
  }

  issue(principal: Pick<Principal, 'id' | 'tenantId' | 'role'>): string {
    return this.sign({ sub: principal.id, org: principal.tenantId, role: principal.role, typ: 'access' });
  }

  /** The principal of a valid token; UnauthenticatedError for anything else (expired, forged, unknown kid, wrong kind). */
  principalOf(token: string): Principal {
    let claims: AccessClaims;
    try {
      const { kid } = this.decodeHeader(token).header;
      const verify = typeof kid === 'string' ? this.verifiers.get(kid) : undefined;
      if (!verify) throw new Error('unknown key id');
      claims = verify(token);
    } catch {
      throw new UnauthenticatedError('access token invalid or expired');
    }
    if (claims.typ !== 'access' || (claims.role !== 'admin' && claims.role !== 'member')) {
      throw new UnauthenticatedError('access token invalid or expired');
    }
    return { kind: 'user', id: claims.sub, tenantId: claims.org, role: claims.role };
  }
}
