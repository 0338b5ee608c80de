import { Catch, Controller, Get, Module, UseGuards, type ArgumentsHost, type ExceptionFilter, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { SluiceError } from '@sluice/contracts';
import { uniquePrefix } from '@sluice/testing';
import { Redis } from 'ioredis';
import { RATE_LIMIT_GUARD_OPTIONS, RateLimitedError, RateLimitGuard, RateLimiter, type RateLimitGuardOptions, type RateLimitRequest } from './index';

/** What the platform's transport filter does with a SluiceError on HTTP (libs/runtime), in small. */
@Catch(SluiceError)
class ProblemFilter implements ExceptionFilter {
  static readonly caught: unknown[] = [];
  catch(error: SluiceError, host: ArgumentsHost): void {
    ProblemFilter.caught.push(error);
    const status = error.code === 'RESOURCE_EXHAUSTED' ? 429 : 500;
    const reply = host.switchToHttp().getResponse<{ status(code: number): { header(n: string, v: string): { send(b: string): void } } }>();
    reply.status(status).header('Content-Type', 'application/problem+json').send(JSON.stringify({ status, detail: error.message }));
  }
}

@Controller()
@UseGuards(RateLimitGuard)
class ReportsController {
  @Get('reports')
  list(): { reports: string[] } {
    return { reports: [] };
  }
}

describe('RateLimitGuard in a Nest app on Fastify', () => {
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const prefix = uniquePrefix('ratelimit-guard');
  const limiter = new RateLimiter({ redis, prefix, policy: { algorithm: 'sliding-window', name: 'reports', limit: 3, periodMs: 60_000 } });
  let app: INestApplication;
  let base: string;

  beforeAll(async () => {
    const options: RateLimitGuardOptions<RateLimitRequest> = {
      limiter,
      key: (request) => String(request.headers['x-tenant'] ?? request.ip ?? 'unknown'),
    };
    @Module({ controllers: [ReportsController], providers: [{ provide: RATE_LIMIT_GUARD_OPTIONS, useValue: options }] })
    class ReportsModule {}
    const fastifyApp = await NestFactory.create<NestFastifyApplication>(ReportsModule, new FastifyAdapter(), { logger: false });
    fastifyApp.useGlobalFilters(new ProblemFilter());
    await fastifyApp.listen(0, '127.0.0.1');
    app = fastifyApp;
    base = await fastifyApp.getUrl();
  });

  afterAll(async () => {
    await app?.close();
    limiter.close();
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  const get = (tenant: string) => fetch(`${base}/reports`, { headers: { 'x-tenant': tenant } });

  it('sets RateLimit-Policy and RateLimit on every admitted response', async () => {
    const responses = [await get('acme'), await get('acme'), await get('acme')];
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(responses.map((r) => r.headers.get('ratelimit'))).toEqual(['"reports";r=2;t=60', '"reports";r=1;t=60', '"reports";r=0;t=60']);
    expect(responses.every((r) => r.headers.get('ratelimit-policy') === '"reports";q=3;w=60')).toBe(true);
    expect(responses[0].headers.get('retry-after')).toBeNull();
  });

  it('refuses with RateLimitedError mapped to 429, with Retry-After and the RateLimit headers', async () => {
    const refused = await get('acme');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(59);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.headers.get('ratelimit')).toMatch(/^"reports";r=0;t=(59|60)$/);
    expect(refused.headers.get('ratelimit-policy')).toBe('"reports";q=3;w=60');
    const error = ProblemFilter.caught.at(-1);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect(error).toMatchObject({ code: 'RESOURCE_EXHAUSTED', policy: 'reports' });
    expect((error as RateLimitedError).retryAfterMs).toBeGreaterThan(58_000);
  });

  it('keeps a separate quota per key', async () => {
    expect((await get('globex')).status).toBe(200);
  });
});
