import { createHash, timingSafeEqual } from 'node:crypto';
import { Metadata, status } from '@grpc/grpc-js';
import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import { AUTHORIZATION } from './call-context';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Lets a gRPC call through only with `authorization: Bearer <internal token>`, so a pod that can
 * reach a service cannot act as a tenant without the shared credential. Health and reflection
 * are served outside Nest and stay open, as probes need them.
 */
@Injectable()
export class InternalAuthGuard implements CanActivate {
  private readonly expected: Buffer;

  constructor(internalToken: string) {
    this.expected = digest(`Bearer ${internalToken}`);
  }

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'rpc') return true;
    const metadata = context.switchToRpc().getContext<unknown>();
    const presented = metadata instanceof Metadata ? metadata.get(AUTHORIZATION) : [];
    const ok =
      presented.length === 1 &&
      typeof presented[0] === 'string' &&
      timingSafeEqual(digest(presented[0]), this.expected);
    if (!ok) throw new RpcException({ code: status.UNAUTHENTICATED, message: 'internal credential missing or wrong' });
    return true;
  }
}
