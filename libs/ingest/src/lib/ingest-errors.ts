import { SluiceError } from '@sluice/contracts';

/**
 * The step's source or definition cannot be ingested, however often it is retried: a refused or
 * missing file, a 404, a file that is not the declared format, a header without a declared column.
 */
export class IngestInputError extends SluiceError {
  constructor(message: string) {
    super('FAILED_PRECONDITION', message);
  }
}
