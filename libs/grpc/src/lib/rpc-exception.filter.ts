import { status as GrpcStatus } from '@grpc/grpc-js';
import { Catch, type ExceptionFilter, Logger } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import { SluiceError, type ErrorCode } from '@sluice/contracts';
import { throwError, type Observable } from 'rxjs';

export const GRPC_STATUS_BY_CODE: Readonly<Record<ErrorCode, GrpcStatus>> = {
  INVALID_ARGUMENT: GrpcStatus.INVALID_ARGUMENT,
  NOT_FOUND: GrpcStatus.NOT_FOUND,
  ALREADY_EXISTS: GrpcStatus.ALREADY_EXISTS,
  FAILED_PRECONDITION: GrpcStatus.FAILED_PRECONDITION,
  RESOURCE_EXHAUSTED: GrpcStatus.RESOURCE_EXHAUSTED,
  UNAVAILABLE: GrpcStatus.UNAVAILABLE,
  UNAUTHENTICATED: GrpcStatus.UNAUTHENTICATED,
  PERMISSION_DENIED: GrpcStatus.PERMISSION_DENIED,
};

export interface GrpcStatusError {
  code: GrpcStatus;
  message: string;
  details?: string;
}

/**
 * An error thrown by a gRPC handler as the status the client sees. Typed Sluice errors keep their
 * message and field violations (JSON in the status details); anything else is INTERNAL with a
 * generic message, logged here and nowhere else.
 */
export function toGrpcStatusError(exception: unknown, logger: Pick<Logger, 'error'>): GrpcStatusError | object {
  if (exception instanceof RpcException) return exception.getError() as object;
  if (exception instanceof SluiceError) {
    const details = exception.violations.length ? JSON.stringify({ violations: exception.violations }) : exception.message;
    return { code: GRPC_STATUS_BY_CODE[exception.code], message: exception.message, details };
  }
  logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
  return { code: GrpcStatus.INTERNAL, message: 'internal error' };
}

/** Applies toGrpcStatusError to every error of a gRPC handler. */
@Catch()
export class RpcExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('grpc');

  catch(exception: unknown): Observable<never> {
    return throwError(() => toGrpcStatusError(exception, this.logger));
  }
}
