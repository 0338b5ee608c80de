import { Body, Controller, Get, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@sluice/auth';
import { cacheV1, parseOrThrow } from '@sluice/contracts';
import { z } from 'zod';
import { Audited } from '../auth/audit.interceptor';
import { CurrentPrincipal, RequireRole } from '../auth/auth-metadata';
import { openApiSchema } from '../openapi';
import { UpstreamCaller } from '../upstream/upstream-caller';

const InvalidateRequest = z
  .strictObject({ tag: z.string().min(1).max(256).optional(), prefix: z.string().min(1).max(512).optional() })
  .refine((r) => (r.tag === undefined) !== (r.prefix === undefined), { error: 'give exactly one of tag or prefix' });

const toNumbers = (stats: cacheV1.StatsResponse) =>
  Object.fromEntries(Object.entries(stats).map(([k, v]) => [k, Number(v)])) as Record<keyof cacheV1.StatsResponse, number>;

/** The tenant's cache, as the cache service keeps it (admin). */
@ApiTags('admin')
@Controller('v1/admin/cache')
@RequireRole('admin')
export class CacheAdminController {
  constructor(@Inject(UpstreamCaller) private readonly upstream: UpstreamCaller) {}

  @Get('stats')
  @ApiOperation({ summary: 'Hits, misses, sets, evictions, keys and bytes of the tenant\'s cache (admin)' })
  async stats(@CurrentPrincipal() principal: Principal) {
    return toNumbers(await this.upstream.call('cache', principal, (cache, metadata) => cache.stats({}, metadata)));
  }

  @Post('invalidate')
  @HttpCode(200)
  @Audited('cache.invalidate')
  @ApiOperation({ summary: 'Remove the tenant\'s entries with a tag or a key prefix (admin)' })
  @ApiBody({ schema: openApiSchema(InvalidateRequest) })
  async invalidate(@CurrentPrincipal() principal: Principal, @Body() body: unknown) {
    const request = parseOrThrow(InvalidateRequest, body);
    const reply = await this.upstream.call('cache', principal, (cache, metadata) =>
      request.tag ? cache.invalidateTag({ tag: request.tag }, metadata) : cache.invalidatePrefix({ prefix: request.prefix! }, metadata),
    );
    return { invalidated: Number(reply.invalidated) };
  }

}
