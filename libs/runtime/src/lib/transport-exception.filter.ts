import { ArgumentsHost, Catch, HttpException, Logger, type ExceptionFilter } from '@nestjs/common';
import { SluiceError, type ErrorCode, type FieldViolation } from '@sluice/contracts';
import { toGrpcStatusError } from '@sluice/grpc';
import { throwError, type Observable } from 'rxjs';

/** RFC 9457 problem details; the only error body any Sluice HTTP endpoint sends. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: readonly FieldViolation[];
}

const HTTP_STATUS_BY_CODE: Readonly<Record<ErrorCode, number>> = {
  INVALID_ARGUMENT: 400,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  FAILED_PRECONDITION: 409,
  RESOURCE_EXHAUSTED: 429,
  UNAVAILABLE: 503,
};

const TITLES: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

const problem = (status: number, detail?: string, errors?: readonly FieldViolation[]): ProblemDetails => ({
  type: 'about:blank',
  title: TITLES[status] ?? 'Error',
  status,
  ...(detail ? { detail } : {}),
  ...(errors?.length ? { errors } : {}),
});

/** Errors Fastify raises before a handler runs (body too large, bad JSON, wrong content type). */
interface FastifyErrorLike {
  statusCode: number;
  code?: string;
  message: string;
}
const isFastifyError = (e: unknown): e is FastifyErrorLike =>
  e instanceof Error && typeof (e as Partial<FastifyErrorLike>).statusCode === 'number' && (e as Partial<FastifyErrorLike>).code?.startsWith('FST_') === true;

/** Turns any thrown error into problem details; unexpected errors become a bare 500, logged once. */
export function toProblem(exception: unknown, logger?: Logger): ProblemDetails {
  if (exception instanceof SluiceError) {
    return problem(HTTP_STATUS_BY_CODE[exception.code], exception.message, exception.violations);
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const body = exception.getResponse();
    const detail = typeof body === 'object' && body !== null && 'message' in body ? String((body as { message: unknown }).message) : exception.message;
    return problem(status, status >= 500 ? undefined : detail);
  }
  if (isFastifyError(exception) && exception.statusCode < 500) {
    return problem(exception.statusCode, exception.message);
  }
  logger?.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
  return problem(500);
}

interface ReplyLike {
  status(code: number): ReplyLike;
  header(name: string, value: string): ReplyLike;
  send(body: string): unknown;
}

const sendProblem = (reply: ReplyLike, body: ProblemDetails) =>
  reply.status(body.status).header('Content-Type', 'application/problem+json').send(JSON.stringify(body));

/**
 * The one place errors leave a service: problem details on HTTP (including what Fastify rejects
 * before a handler runs), a gRPC status on gRPC.
 */
@Catch()
export class TransportExceptionFilter implements ExceptionFilter {
  private readonly httpLogger = new Logger('http');
  private readonly grpcLogger = new Logger('grpc');

  catch(exception: unknown, host: ArgumentsHost): Observable<never> | void {
    if (host.getType() === 'rpc') return throwError(() => toGrpcStatusError(exception, this.grpcLogger));
    sendProblem(host.switchToHttp().getResponse<ReplyLike>(), toProblem(exception, this.httpLogger));
  }
}
