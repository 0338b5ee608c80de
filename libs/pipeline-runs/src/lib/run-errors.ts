import { SluiceError } from '@sluice/contracts';

const ACTIVE_RUN = /is already active: run ([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

/**
 * A run of the pipeline is active for the tenant. The run id ends the message, which travels as
 * the gRPC status details, so the gateway can answer 409 `{ runId }` (see activeRunIdOf).
 */
export class RunAlreadyActiveError extends SluiceError {
  constructor(
    readonly pipeline: string,
    readonly runId: string,
  ) {
    super('ALREADY_EXISTS', `a run of pipeline "${pipeline}" is already active: run ${runId}`);
  }
}

/** The active run's id in a RunAlreadyActiveError's message (also after a gRPC round trip). */
export function activeRunIdOf(error: unknown): string | undefined {
  if (!(error instanceof SluiceError) || error.code !== 'ALREADY_EXISTS') return undefined;
  return ACTIVE_RUN.exec(error.message)?.[1];
}

/**
 * A start asked for a run id that names a run of another pipeline or another tenant: it is not the
 * same request again, and that id cannot be used. The message does not say whose run it is.
 */
export class RunIdTakenError extends SluiceError {
  constructor(readonly runId: string) {
    super('ALREADY_EXISTS', `run id ${runId} is taken by another run`);
  }
}

/** A run cannot be changed in its current state (e.g. cancelling a finished run). */
export class RunStateError extends SluiceError {
  constructor(message: string) {
    super('FAILED_PRECONDITION', message);
  }
}
