import { Inject, Injectable, SetMetadata, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuditLog, type AuditOutcome } from '@sluice/auth';
import { SluiceError } from '@sluice/contracts';
import { catchError, from, mergeMap, type Observable, throwError } from 'rxjs';
import type { AuthenticatedRequest } from './auth-metadata';

const AUDIT_ACTION = 'sluice:audit-action';

/** Names the action recorded in the audit log for this route (default: method and route). */
export const Audited = (action: string) => SetMetadata(AUDIT_ACTION, action);

const DENIED_CODES = new Set(['NOT_FOUND', 'PERMISSION_DENIED', 'UNAUTHENTICATED']);

/**
 * Records every mutating call of an authenticated caller — who, what, on which target, from where,
 * and how it ended. Public routes (login, refresh...) are audited by the session logic itself.
 */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    @Inject(AuditLog) private readonly audit: AuditLog,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest & { params?: Record<string, string>; routeOptions?: { url?: string } }>();
    if (context.getType() !== 'http' || request.method === 'GET' || !request.principal) return next.handle();
    const action = this.reflector.get<string | undefined>(AUDIT_ACTION, context.getHandler()) ?? `${request.method} ${request.routeOptions?.url ?? request.url}`;
    const record = (outcome: AuditOutcome, target?: string, details?: Record<string, unknown>) =>
      this.audit.record({
        tenantId: request.principal!.tenantId,
        actor: { type: request.principal!.kind, id: request.principal!.id },
        action,
        target: target ?? request.params?.id ?? request.params?.name ?? null,
        outcome,
        ip: request.ip,
        requestId: request.id,
        details,
      });
    return next.handle().pipe(
      mergeMap((result) => from(record('success', targetOf(result))).pipe(mergeMap(() => [result]))),
      catchError((error: unknown) => {
        const outcome: AuditOutcome = error instanceof SluiceError && DENIED_CODES.has(error.code) ? 'denied' : 'failure';
        return from(record(outcome, undefined, { error: error instanceof SluiceError ? error.code : 'INTERNAL' })).pipe(mergeMap(() => throwError(() => error)));
      }),
    );
  }
}

function targetOf(result: unknown): string | undefined {
  if (typeof result !== 'object' || result === null) return undefined;
  const r = result as { id?: unknown; taskId?: unknown; runId?: unknown };
  const id = r.id ?? r.taskId ?? r.runId;
  return typeof id === 'string' ? id : undefined;
}
