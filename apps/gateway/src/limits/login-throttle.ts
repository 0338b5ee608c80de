import { Inject, Injectable } from '@nestjs/common';
import { RateLimitedError, RateLimiter } from '@sluice/rate-limit';

/**
 * Login attempts per account and per client address (sliding windows), so passwords cannot be
 * guessed quickly against one account, nor sprayed across many from one address.
 */
@Injectable()
export class LoginThrottle {
  constructor(@Inject(RateLimiter) private readonly limiter: RateLimiter) {}

  async check(email: string, ip: string | undefined): Promise<void> {
    const [account, address] = await Promise.all([
      this.limiter.consume(`login-account:${email.trim().toLowerCase()}`),
      this.limiter.consume(`login-ip:${ip ?? 'unknown'}`),
    ]);
    const refused = [account, address].filter((r) => !r.allowed);
    if (refused.length > 0) {
      const worst = refused.reduce((a, b) => (a.retryAfterMs >= b.retryAfterMs ? a : b));
      throw new RateLimitedError(worst.retryAfterMs, worst.policy);
    }
  }
}
