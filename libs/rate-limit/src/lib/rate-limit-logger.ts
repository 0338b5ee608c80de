/** The subset of a pino logger this library writes to; a pino `Logger` satisfies it. */
export interface RateLimitLogger {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
}

/** Used when the caller gives no logger: switches still reach stderr instead of vanishing. */
export const stderrLogger: RateLimitLogger = {
  info: (fields, message) => console.error(JSON.stringify({ level: 'info', lib: '@sluice/rate-limit', msg: message, ...fields })),
  warn: (fields, message) => console.error(JSON.stringify({ level: 'warn', lib: '@sluice/rate-limit', msg: message, ...fields })),
};

export function errorFields(error: unknown): Record<string, unknown> {
  return error instanceof Error ? { err: { name: error.name, message: error.message } } : { err: String(error) };
}
