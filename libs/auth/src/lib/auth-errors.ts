import { SluiceError, UnauthenticatedError } from '@sluice/contracts';

/** Wrong email or password; deliberately does not say which. */
export class InvalidCredentialsError extends UnauthenticatedError {
  constructor() {
    super('email or password is wrong');
  }
}

/** A refresh token that was already used: its whole family has been revoked. */
export class RefreshTokenReuseError extends UnauthenticatedError {
  constructor(readonly userId: string) {
    super('refresh token invalid or expired');
  }
}

export class EmailTakenError extends SluiceError {
  constructor() {
    super('ALREADY_EXISTS', 'an account with this email exists', [{ path: 'email', message: 'is already registered' }]);
  }
}

export class SignupDisabledError extends SluiceError {
  constructor() {
    super('PERMISSION_DENIED', 'sign-up is switched off on this installation');
  }
}
