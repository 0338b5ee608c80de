import { Controller, Delete, Get, HttpCode, Inject, Param } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@sluice/auth';
import { NotFoundError, parseOrThrow } from '@sluice/contracts';
import { RedisLock } from '@sluice/lock';
import { z } from 'zod';
import { Audited } from '../auth/audit.interceptor';
import { CurrentPrincipal, RequireRole } from '../auth/auth-metadata';

/** Every lock a tenant's work takes is named `tenant:<tenant id>:<name>`; platform locks are not shown. */
export const tenantLockName = (tenantId: string, name: string) => `tenant:${tenantId}:${name}`;

const LockName = z.string().min(1).max(150).regex(/^[A-Za-z0-9_][A-Za-z0-9_.:/=@+-]*$/, { error: 'is not a lock name' });

/** The tenant's held locks, and force release for a lock whose holder is stuck (admin, audited). */
@ApiTags('admin')
@Controller('v1/admin/locks')
@RequireRole('admin')
export class LocksAdminController {
  constructor(@Inject(RedisLock) private readonly locks: RedisLock) {}

  @Get()
  @ApiOperation({ summary: 'Locks held for the tenant\'s work right now (admin)' })
  async list(@CurrentPrincipal() principal: Principal) {
    const prefix = tenantLockName(principal.tenantId, '');
    const locks = await this.locks.list({ namePrefix: prefix });
    return {
      items: locks.map((l) => ({
        name: l.name.slice(prefix.length),
        owner: l.owner ?? null,
        fence: l.fence ?? null,
        ttlMs: l.ttlMs,
        acquiredAt: l.acquiredAt?.toISOString() ?? null,
      })),
      nextCursor: null,
    };
  }

  @Delete(':name')
  @HttpCode(204)
  @Audited('lock.force_release')
  @ApiOperation({ summary: 'Release a lock whoever holds it; its holder loses it at its next extension (admin)' })
  @ApiParam({ name: 'name' })
  async forceRelease(@CurrentPrincipal() principal: Principal, @Param('name') name: string) {
    const released = await this.locks.forceRelease(tenantLockName(principal.tenantId, parseOrThrow(LockName, name, 'name')));
    if (!released) throw new NotFoundError('lock');
  }
}
