import { ForbiddenException, Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AccessTokens, ApiKeys, AuditLog, type Principal, type Role } from '@sluice/auth';
import { PUBLIC_ROUTE, UnauthenticatedError } from '@sluice/contracts';
import { setSluiceSpanAttributes } from '@sluice/telemetry';
import { REQUIRED_ROLE, type AuthenticatedRequest } from './auth-metadata';

function single(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/**
 * Every route is authenticated unless marked @Public: a Bearer access token or an X-API-Key.
 * Missing or invalid credentials → 401; a role the caller lacks → 403. Denials are audited.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(AccessTokens) private readonly accessTokens: AccessTokens,
    @Inject(ApiKeys) private readonly apiKeys: ApiKeys,
    @Inject(AuditLog) private readonly audit: AuditLog,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    let principal: Principal;
    try {
      principal = await this.authenticate(request);
    } catch (error) {
      await this.deny(request, undefined, 'unauthenticated');
      throw error;
    }
    request.principal = principal;
    setSluiceSpanAttributes({ tenantId: principal.tenantId });
    const role = this.reflector.getAllAndOverride<Role | undefined>(REQUIRED_ROLE, targets);
    if (role === 'admin' && principal.role !== 'admin') {
      await this.deny(request, principal, 'role admin required');
      throw new ForbiddenException('this needs the admin role');
    }
    return true;
  }

  private async authenticate(request: AuthenticatedRequest): Promise<Principal> {
    const authorization = single(request.headers.authorization);
    const apiKey = single(request.headers['x-api-key']);
    if (authorization && apiKey) throw new UnauthenticatedError('send either a Bearer token or an API key, not both');
    if (apiKey) return this.apiKeys.authenticate(apiKey);
    const match = authorization ? /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(authorization) : null;
    if (!match) throw new UnauthenticatedError('credentials required: Authorization: Bearer <token> or X-API-Key');
    return this.accessTokens.principalOf(match[1]);
  }

  private deny(request: AuthenticatedRequest, principal: Principal | undefined, reason: string) {
    return this.audit.record({
      tenantId: principal?.tenantId,
      actor: principal ? { type: principal.kind, id: principal.id } : { type: 'anonymous' },
      action: 'access.denied',
      target: `${request.method} ${request.url.split('?')[0].slice(0, 200)}`,
      outcome: 'denied',
      ip: request.ip,
      requestId: request.id,
      details: { reason },
    });
  }
}
