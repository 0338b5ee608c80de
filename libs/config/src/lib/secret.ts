import { z } from 'zod';

const MIN_SECRET_LENGTH = 32;
const PLACEHOLDERS = ['changeme', 'change-me', 'secret', 'password', 'default', 'example', 'sluice', 'xxxx', 'todo'];

/** Why a secret is weak, or undefined when it is acceptable. Exported for tests and docs. */
export function secretWeakness(value: string): string | undefined {
  if (value.length < MIN_SECRET_LENGTH) return `must be at least ${MIN_SECRET_LENGTH} characters (got ${value.length})`;
  const lower = value.toLowerCase();
  const placeholder = PLACEHOLDERS.find((p) => lower.includes(p));
  if (placeholder) return `looks like a placeholder (contains "${placeholder}")`;
  if (new Set(value).size < 10) return 'has too few distinct characters to be random';
  return undefined;
}

/** A required secret: present, long and not an obvious placeholder. */
export const secret = () =>
  z.string({ error: 'is required' }).superRefine((value, ctx) => {
    const weakness = secretWeakness(value);
    if (weakness) ctx.addIssue({ code: 'custom', message: weakness });
  });
