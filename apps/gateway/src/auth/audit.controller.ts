import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { AuditLog, type Principal } from '@sluice/auth';
import { InvalidArgumentError, parseOrThrow } from '@sluice/contracts';
import { z } from 'zod';
import { CurrentPrincipal, RequireRole } from './auth-metadata';

const AuditQuery = z.strictObject({
  actor: z.string().max(200).optional(),
  action: z.string().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(200).optional(),
});

const Cursor = z.object({ c: z.iso.datetime(), i: z.uuid() });

function decodeCursor(cursor: string) {
  try {
    return Cursor.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
  } catch {
    throw new InvalidArgumentError('invalid request', [{ path: 'cursor', message: 'is not a cursor this API returned' }]);
  }
}

const encodeCursor = (e: { createdAt: Date; id: string }) => Buffer.from(JSON.stringify({ c: e.createdAt.toISOString(), i: e.id })).toString('base64url');

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
    const after = q.cursor ? decodeCursor(q.cursor) : undefined;
    const events = await this.audit.list(principal.tenantId, {
      actor: q.actor,
      action: q.action,
      limit: q.limit,
      after: after ? { createdAt: new Date(after.c), id: after.i } : undefined,
    });
    return {
      items: events.map((e) => ({
        id: e.id,
        actor: { type: e.actorType, id: e.actorId },
        action: e.action,
        target: e.target,
        outcome: e.outcome,
        ip: e.ip,
        requestId: e.requestId,
        details: e.details,
        createdAt: e.createdAt.toISOString(),
      })),
      nextCursor: events.length === q.limit ? encodeCursor(events[events.length - 1]) : null,
    };
  }
}
