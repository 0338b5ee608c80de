import { UnauthenticatedError } from '@sluice/contracts';
import type { Accounts, OrganizationView, UserView } from './accounts';
import type { AccessTokens } from './access-tokens';
import type { AuditLog } from './audit-log';
import { InvalidCredentialsError, RefreshTokenReuseError, SignupDisabledError } from './auth-errors';
import type { RefreshTokens } from './refresh-tokens';

export interface TokenPair {
  readonly accessToken: string;
  readonly refreshToken: string;
  /** seconds until the access token expires */
  readonly expiresIn: number;
}

/** Where a request came from, for the audit log. */
export interface RequestMeta {
  readonly ip?: string;
  readonly requestId?: string;
}

/** Sign-up, login, refresh and logout, each recorded in the audit log (successes and failures). */
export class Sessions {
  constructor(
    private readonly accounts: Accounts,
    private readonly accessTokens: AccessTokens,
    private readonly refreshTokens: RefreshTokens,
    private readonly audit: AuditLog,
    private readonly signupEnabled: boolean,
  ) {}

  async signup(email: string, password: string, organization: string, meta: RequestMeta): Promise<{ user: UserView; organization: OrganizationView } & TokenPair> {
    if (!this.signupEnabled) throw new SignupDisabledError();
    const created = await this.accounts.signup(email, password, organization);
    await this.record(created.user, 'auth.signup', 'success', meta);
    return { ...created, ...(await this.tokensFor(created.user)) };
  }

  async login(email: string, password: string, meta: RequestMeta): Promise<TokenPair> {
    let user: UserView;
    try {
      user = await this.accounts.verifyCredentials(email, password);
    } catch (error) {
      if (error instanceof InvalidCredentialsError) {
        await this.audit.record({ actor: { type: 'anonymous' }, action: 'auth.login', outcome: 'failure', target: email.trim().toLowerCase().slice(0, 320), ...meta });
      }
      throw error;
    }
    await this.record(user, 'auth.login', 'success', meta);
    return this.tokensFor(user);
  }

  async refresh(refreshToken: string, meta: RequestMeta): Promise<TokenPair> {
    try {
      const { userId, token } = await this.refreshTokens.rotate(refreshToken);
      const user = await this.accounts.userById(userId).catch(() => {
        throw new UnauthenticatedError('refresh token invalid or expired');
      });
      return this.pair(user, token);
    } catch (error) {
      if (error instanceof RefreshTokenReuseError) {
        const user = await this.accounts.userById(error.userId).catch(() => undefined);
        await this.audit.record({
          tenantId: user?.organizationId,
          actor: { type: 'user', id: error.userId },
          action: 'auth.refresh_reuse',
          outcome: 'denied',
          details: { revoked: 'token family' },
          ...meta,
        });
      }
      throw error;
    }
  }

  async logout(refreshToken: string, meta: RequestMeta): Promise<void> {
    const userId = await this.refreshTokens.revoke(refreshToken);
    if (!userId) return;
    const user = await this.accounts.userById(userId).catch(() => undefined);
    if (user) await this.record(user, 'auth.logout', 'success', meta);
  }

  /** A new login: a fresh refresh-token family. */
  private async tokensFor(user: UserView): Promise<TokenPair> {
    return this.pair(user, await this.refreshTokens.issue(user.id));
  }

  private pair(user: UserView, refreshToken: string): TokenPair {
    return {
      accessToken: this.accessTokens.issue({ id: user.id, tenantId: user.organizationId, role: user.role }),
      refreshToken,
      expiresIn: this.accessTokens.ttlSeconds,
    };
  }

  private record(user: UserView, action: string, outcome: 'success', meta: RequestMeta) {
    return this.audit.record({ tenantId: user.organizationId, actor: { type: 'user', id: user.id }, action, outcome, ...meta });
  }
}
