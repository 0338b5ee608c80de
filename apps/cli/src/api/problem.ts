import type { Problem, ProblemViolation } from '../errors/cli-errors';
import { printable } from '../terminal/printable';

const STANDARD_MEMBERS = new Set(['type', 'title', 'status', 'detail', 'instance', 'errors']);

/** Reads an error answer: RFC 9457 problem+json when it is one, otherwise just the HTTP status. */
export function problemFromBody(status: number, statusText: string, bodyText: string): Problem {
  const fallbackTitle = statusText ? `HTTP ${status} ${statusText}` : `HTTP ${status}`;
  const body = parseObject(bodyText);
  if (!body) return { status, title: fallbackTitle, errors: [], extensions: {} };
  const extensions: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) if (!STANDARD_MEMBERS.has(key)) extensions[key] = value;
  return {
    status,
    title: typeof body.title === 'string' && body.title ? printable(body.title) : fallbackTitle,
    ...(typeof body.detail === 'string' && body.detail ? { detail: printable(body.detail) } : {}),
    errors: violationsOf(body.errors),
    extensions,
  };
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function violationsOf(errors: unknown): ProblemViolation[] {
  if (!Array.isArray(errors)) return [];
  return errors.flatMap((e: unknown) => {
    if (e === null || typeof e !== 'object') return [];
    const { path, message } = e as Record<string, unknown>;
    return typeof message === 'string' ? [{ path: typeof path === 'string' && path ? path : '(root)', message: printable(message) }] : [];
  });
}
