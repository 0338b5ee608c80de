/** The error vocabulary shared by every transport; each transport maps it once (gRPC status, problem+json). */
export type ErrorCode =
  | 'INVALID_ARGUMENT'
  | 'NOT_FOUND'
  | 'ALREADY_EXISTS'
  | 'FAILED_PRECONDITION'
  | 'RESOURCE_EXHAUSTED'
  | 'UNAVAILABLE'
  | 'UNAUTHENTICATED'
  | 'PERMISSION_DENIED';

export interface FieldViolation {
  readonly path: string;
  readonly message: string;
}

export class SluiceError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly violations: readonly FieldViolation[] = [],
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class InvalidArgumentError extends SluiceError {
  constructor(message: string, violations: readonly FieldViolation[] = []) {
    super('INVALID_ARGUMENT', message, violations);
  }
}

export class NotFoundError extends SluiceError {
  constructor(what: string) {
    super('NOT_FOUND', `${what} not found`);
  }
}

export class UnauthenticatedError extends SluiceError {
  constructor(message = 'missing or invalid credentials') {
    super('UNAUTHENTICATED', message);
  }
}

export class UnavailableError extends SluiceError {
  constructor(message: string) {
    super('UNAVAILABLE', message);
  }
}
