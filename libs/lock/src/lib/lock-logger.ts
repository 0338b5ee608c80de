/** The subset of a pino logger this library writes to; a pino `Logger` satisfies it. */
export interface LockLogger {
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

/** Used when the caller gives no logger: problems still reach stderr instead of vanishing. */
export const stderrLockLogger: LockLogger = {
  warn: (fields, message) => console.warn(JSON.stringify({ level: 'warn', lib: '@sluice/lock', msg: message, ...fields })),
  error: (fields, message) => console.error(JSON.stringify({ level: 'error', lib: '@sluice/lock', msg: message, ...fields })),
};

export function errorFields(error: unknown): Record<string, unknown> {
  return error instanceof Error ? { err: { name: error.name, message: error.message } } : { err: String(error) };
}
