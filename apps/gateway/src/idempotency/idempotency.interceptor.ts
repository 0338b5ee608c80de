import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import { Inject, Injectable, SetMetadata, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { InvalidArgumentError } from '@sluice/contracts';
import { IdempotencyStore } from '@sluice/idempotency';
import { catchError, from, mergeMap, type Observable, throwError } from 'rxjs';
import type { AuthenticatedRequest } from '../auth/auth-metadata';

const IDEMPOTENT = 'sluice:idempotent';

/** The route creates work and honours `Idempotency-Key`. */
export const Idempotent = () => SetMetadata(IDEMPOTENT, true);

interface ReplyLike {
  status(code: number): unknown;
  header(name: string, value: string): unknown;
}

/** Same key and same request within 24 h → the first response, with `Idempotent-Replayed: true`. */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    @Inject(IdempotencyStore) private readonly store: IdempotencyStore,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http' || !this.reflector.get<boolean>(IDEMPOTENT, context.getHandler())) return next.handle();
    const request = context.switchToHttp().getRequest<AuthenticatedRequest & { body?: unknown; routeOptions?: { url?: string } }>();
    const key = request.headers['idempotency-key'];
    if (key === undefined || !request.principal) return next.handle();
    if (typeof key !== 'string' || !IdempotencyStore.isValidKey(key)) {
      throw new InvalidArgumentError('invalid request', [{ path: 'Idempotency-Key', message: 'must be 1-255 printable ASCII characters' }]);
    }
    const reply = context.switchToHttp().getResponse<ReplyLike>();
    const fingerprint = `${request.method} ${request.routeOptions?.url ?? request.url} ${JSON.stringify(request.body ?? null)}`;
    const status = this.reflector.get<number | undefined>(HTTP_CODE_METADATA, context.getHandler()) ?? 201;
    return from(this.store.claim(request.principal.tenantId, key, fingerprint)).pipe(
      mergeMap((claim) => {
        if (claim.kind === 'replay') {
          reply.status(claim.response.status);
          reply.header('Idempotent-Replayed', 'true');
          return [claim.response.body];
        }
        return next.handle().pipe(
          mergeMap((body) => from(this.store.complete(claim.slot, fingerprint, { status, body })).pipe(mergeMap(() => [body]))),
          catchError((error: unknown) => from(this.store.release(claim.slot)).pipe(mergeMap(() => throwError(() => error)))),
        );
      }),
    );
  }
}

