import { status as GrpcStatus } from '@grpc/grpc-js';
import { SluiceError, type ErrorCode, type FieldViolation } from '@sluice/contracts';
import { firstValueFrom, fromEvent, takeUntil, type Observable } from 'rxjs';
import { GRPC_STATUS_BY_CODE } from './rpc-exception.filter';

const CODE_BY_STATUS = new Map<number, ErrorCode>(
  Object.entries(GRPC_STATUS_BY_CODE).map(([code, grpcStatus]) => [grpcStatus, code as ErrorCode]),
);
CODE_BY_STATUS.set(GrpcStatus.DEADLINE_EXCEEDED, 'UNAVAILABLE');

interface GrpcErrorLike {
  code: number;
  details?: string;
}

const isGrpcError = (error: unknown): error is GrpcErrorLike =>
  typeof error === 'object' && error !== null && typeof (error as GrpcErrorLike).code === 'number';

function violationsFrom(details: string | undefined): FieldViolation[] {
  if (!details?.startsWith('{')) return [];
  try {
    const parsed = JSON.parse(details) as { violations?: FieldViolation[] };
    return Array.isArray(parsed.violations) ? parsed.violations : [];
  } catch {
    return [];
  }
}

/**
 * A failed upstream call as a SluiceError the edge can map, or the original error when its
 * status has no public meaning (INTERNAL, UNKNOWN...): that one must surface as a 500.
 */
export function fromGrpcError(error: unknown): unknown {
  if (!isGrpcError(error)) return error;
  const code = CODE_BY_STATUS.get(error.code);
  if (!code) return error;
  const violations = violationsFrom(error.details);
  const message = code === 'UNAVAILABLE' ? 'a service this request needs is unavailable' : violations.length ? 'invalid request' : (error.details ?? code);
  return new SluiceError(code, message, violations);
}

/**
 * Awaits one reply of a Nest gRPC client call, translating its error. Aborting the signal
 * unsubscribes, which cancels the call on the wire.
 */
export async function callUpstream<T>(call: Observable<T>, signal?: AbortSignal): Promise<T> {
  try {
    return await firstValueFrom(signal ? call.pipe(takeUntil(fromEvent(signal, 'abort'))) : call);
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    throw fromGrpcError(error);
  }
}
