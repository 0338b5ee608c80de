import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { RateLimitGuard, RateLimiter } from '@sluice/rate-limit';
import type { AuthenticatedRequest } from '../auth/auth-metadata';

// Probes and scrapes must never be refused; the docs are static.
const UNLIMITED = ['/health/', '/metrics', '/docs'];
const unlimited = (request: AuthenticatedRequest) => UNLIMITED.some((p) => request.url.startsWith(p));

/** Per client address, before authentication: bounds floods of bad credentials too. */
@Injectable()
export class IpRateLimitGuard implements CanActivate {
  private readonly guard: RateLimitGuard<AuthenticatedRequest>;

  constructor(@Inject(RateLimiter) limiter: RateLimiter) {
    this.guard = new RateLimitGuard<AuthenticatedRequest>({ limiter, key: (r) => `ip:${r.ip}` });
  }

  canActivate(context: ExecutionContext): Promise<boolean> | boolean {
    if (context.getType() !== 'http' || unlimited(context.switchToHttp().getRequest<AuthenticatedRequest>())) return true;
    return this.guard.canActivate(context);
  }
}

/** Per tenant, after authentication: its RateLimit headers are the ones the caller sees. */
@Injectable()
export class TenantRateLimitGuard implements CanActivate {
  private readonly guard: RateLimitGuard<AuthenticatedRequest>;

  constructor(@Inject(RateLimiter) limiter: RateLimiter) {
    this.guard = new RateLimitGuard<AuthenticatedRequest>({ limiter, key: (r) => `tenant:${r.principal?.tenantId}` });
  }

  canActivate(context: ExecutionContext): Promise<boolean> | boolean {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    if (!request.principal || unlimited(request)) return true;
    return this.guard.canActivate(context);
  }
}
