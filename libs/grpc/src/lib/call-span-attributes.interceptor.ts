import { Metadata } from '@grpc/grpc-js';
import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { setSluiceSpanAttributes } from '@sluice/telemetry';
import type { Observable } from 'rxjs';
import { tenantOf } from './call-context';

/**
 * Puts the caller's tenant (from the call metadata) on the active span of every gRPC handler,
 * so a trace can be found by tenant. It reads, never refuses: the guard and the handler decide.
 */
@Injectable()
export class CallSpanAttributesInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() === 'rpc') {
      const metadata = context.switchToRpc().getContext<unknown>();
      if (metadata instanceof Metadata) setSluiceSpanAttributes({ tenantId: tenantOf(metadata) });
    }
    return next.handle();
  }
}
