import type { Authenticator } from '../api/authenticator';
import type { TokenPair } from '../api/token-pair';
import { ApiProblemError, CliError, NotLoggedInError } from '../errors/cli-errors';
import type { StoredSession } from './credentials-file';
import type { CredentialsStore } from './credentials-store';

/** Spends a refresh token: `POST /v1/auth/refresh`. */
export type RefreshTokens = (refreshToken: string) => Promise<TokenPair>;

/** Refresh a little before the access token expires, so it does not expire in flight. */
const EXPIRY_MARGIN_MS = 30_000;

/**
 * Bearer access tokens from a stored session. An expired (or refused) access token is replaced
 * using the refresh token; refresh tokens rotate, so the new pair is stored at once.
 */
export class SessionAuthenticator implements Authenticator {
  readonly canRefresh = true;
  private session: StoredSession;

  constructor(
    private readonly store: CredentialsStore,
    private readonly apiUrl: string,
    session: StoredSession,
    private readonly refresh: RefreshTokens,
    private readonly now: () => number = Date.now,
  ) {
    this.session = session;
  }

  async headers(options: { forceRefresh?: boolean } = {}): Promise<Readonly<Record<string, string>>> {
    const refused = options.forceRefresh ? this.session.accessToken : undefined;
    if (!options.forceRefresh && this.isFresh(this.session)) return bearer(this.session.accessToken!);
    this.session = await this.store.withLock(() => this.refreshUnderLock(refused));
    return bearer(this.session.accessToken!);
  }

  private async refreshUnderLock(refusedToken: string | undefined): Promise<StoredSession> {
    // Another sluice process may have refreshed while this one waited for the lock.
    const stored = await this.store.read();
    if (!stored?.session || stored.apiUrl !== this.apiUrl) throw new NotLoggedInError(this.apiUrl);
    const latest = stored.session;
    if (this.isFresh(latest) && latest.accessToken !== refusedToken) return latest;
    let pair: TokenPair;
    try {
      pair = await this.refresh(latest.refreshToken);
    } catch (error) {
      if (error instanceof ApiProblemError && error.status === 401) {
        throw new CliError('the session has expired or was revoked', undefined, ['run `sluice login` again']);
      }
      throw error;
    }
    const next: StoredSession = {
      email: latest.email,
      refreshToken: pair.refreshToken,
      accessToken: pair.accessToken,
      accessTokenExpiresAt: new Date(this.now() + pair.expiresIn * 1000).toISOString(),
    };
    await this.store.write({ apiUrl: this.apiUrl, session: next });
    return next;
  }

  private isFresh(session: StoredSession): boolean {
    if (!session.accessToken || !session.accessTokenExpiresAt) return false;
    return Date.parse(session.accessTokenExpiresAt) - EXPIRY_MARGIN_MS > this.now();
  }
}

function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}
