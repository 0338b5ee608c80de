import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { Principal, Role } from '@sluice/auth';
import { PUBLIC_ROUTE } from '@sluice/contracts';

export const REQUIRED_ROLE = 'sluice:role';

/** The route needs no credentials (sign-up, login, refresh, health, docs). */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

/** The route needs this role (admin routes). */
export const RequireRole = (role: Role) => SetMetadata(REQUIRED_ROLE, role);

export interface AuthenticatedRequest {
  principal?: Principal;
  id: string;
  ip: string;
  headers: Record<string, string | string[] | undefined>;
  method: string;
  url: string;
}

/** The authenticated caller; only on routes the AuthGuard protects. */
export const CurrentPrincipal = createParamDecorator((_data: unknown, ctx: ExecutionContext): Principal => {
  const principal = ctx.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!principal) throw new Error('CurrentPrincipal used on a public route');
  return principal;
});

/** IP and request id of the current request, for the audit log. */
export const RequestMetaOf = createParamDecorator((_data: unknown, ctx: ExecutionContext) => {
  const request = ctx.switchToHttp().getRequest<AuthenticatedRequest>();
  return { ip: request.ip, requestId: request.id };
});
