import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { AuditLog, type Principal } from '@sluice/auth';
import { createdAtCursor, parseOrThrow } from '@sluice/contracts';
import { ListQuery, page } from '../pagination';
import { z } from 'zod';
import { CurrentPrincipal, RequireRole } from './auth-metadata';

const AuditQuery = ListQuery.extend({
  actor: z.string().max(200).optional(),
  action: z.string().max(100).optional(),
});

@ApiTags('admin')
@Controller('v1/admin/audit')
@RequireRole('admin')
export class AuditController {
  constructor(@Inject(AuditLog) private readonly audit: AuditLog) {}

  @Get()
  @ApiOperation({ summary: 'The organization\'s audit log, newest first (admin)' })
  @ApiQuery({ name: 'actor', required: false })
  @ApiQuery({ name: 'action', required: false })
  @ApiQuery({ name: 'limit', required: false })
  @ApiQuery({ name: 'cursor', required: false })
  async list(@CurrentPrincipal() principal: Principal, @Query() query: unknown) {
    const q = parseOrThrow(AuditQuery, query);
    const events = await this.audit.list(principal.tenantId, { actor: q.actor, action: q.action, limit: q.limit, after: createdAtCursor.decode(q.cursor) });
    return page(events, q.limit, (e) => ({
        id: e.id,
        actor: { type: e.actorType, id: e.actorId },
        action: e.action,
        target: e.target,
        outcome: e.outcome,
        ip: e.ip,
        requestId: e.requestId,
        details: e.details,
        createdAt: e.createdAt.toISOString(),
      }));
  }
}
