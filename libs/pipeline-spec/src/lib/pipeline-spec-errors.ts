/** A pipeline-spec function was called wrongly (a bug in the caller, never bad user input). */
export class PipelineSpecUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}
