import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { AuthConfig } from '@sluice/config';
import { RateLimiter, resolvePolicy, type RateLimitPolicy } from '@sluice/rate-limit';
import type { Logger } from '@sluice/telemetry';
import type { Redis } from 'ioredis';
import type { Registry } from 'prom-client';

const MINUTE = 60_000;
const QUARTER_HOUR = 15 * MINUTE;

/** The gateway's quotas, one policy per kind of key (`<kind>:<value>`). */
export function gatewayPolicies(limits: AuthConfig['rateLimits']): Record<string, RateLimitPolicy> {
  return {
    tenant: { algorithm: 'gcra', name: 'tenant', limit: limits.perTenantPerMinute, periodMs: MINUTE },
    ip: { algorithm: 'gcra', name: 'ip', limit: limits.perIpPerMinute, periodMs: MINUTE },
    'login-account': { algorithm: 'sliding-window', name: 'login-account', limit: limits.loginPerAccount, periodMs: QUARTER_HOUR },
    'login-ip': { algorithm: 'sliding-window', name: 'login-ip', limit: limits.loginPerIp, periodMs: QUARTER_HOUR },
  };
}

export function createGatewayLimiter(redis: Redis, prefix: string, limits: AuthConfig['rateLimits'], registry: Registry, logger: Logger): RateLimiter {
  const policies = gatewayPolicies(limits);
  // a bad policy is a configuration error: fail at start-up, not on the first request
  Object.values(policies).forEach(resolvePolicy);
  return new RateLimiter({
    redis,
    prefix,
    registry,
    logger,
    policy: (key) => {
      const policy = policies[key.slice(0, key.indexOf(':'))];
      if (!policy) throw new Error(`no rate-limit policy for key kind of "${key.slice(0, 40)}"`);
      return policy;
    },
  });
}

/** Stops the limiter's Redis probe timer when the gateway shuts down. */
@Injectable()
export class RateLimiterCloser implements OnApplicationShutdown {
  constructor(@Inject(RateLimiter) private readonly limiter: RateLimiter) {}

  onApplicationShutdown(): void {
    this.limiter.close();
  }
}
