/** The subset of a pino logger breakers write state changes to; a pino `Logger` satisfies it. */
export interface BreakerLogger {
  warn(fields: Record<string, unknown>, message: string): void;
  info(fields: Record<string, unknown>, message: string): void;
}
