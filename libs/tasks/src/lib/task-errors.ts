import { SluiceError } from '@sluice/contracts';

/** A task that already ended cannot be cancelled (FAILED_PRECONDITION, 409 at the edge). */
export class TaskAlreadyEndedError extends SluiceError {
  constructor(readonly status: string) {
    super('FAILED_PRECONDITION', `the task already ended: it is ${status}`);
  }
}
