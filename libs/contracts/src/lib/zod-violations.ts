import type { z } from 'zod';
import { InvalidArgumentError } from './errors';
import type { FieldViolation } from './errors';

/** Zod issues as field violations with JSON-pointer-like dotted paths (`startUrls.0`). */
export function zodViolations(error: z.ZodError, prefix = ''): FieldViolation[] {
  return error.issues.map((issue) => {
    const path = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
    return { path: path || '(body)', message: issue.message };
  });
}

/** Parses untrusted input or throws InvalidArgumentError listing every offending field. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, prefix = ''): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new InvalidArgumentError('invalid request', zodViolations(result.error, prefix));
}
