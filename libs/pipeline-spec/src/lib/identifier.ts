import { PipelineSpecUsageError } from './pipeline-spec-errors';
import { RESERVED_SQL_WORDS } from './reserved-words';

/** Step ids, check names, table names and column names: lowercase identifiers that never need quoting. */
export const IDENTIFIER_PATTERN = /^[a-z][a-z0-9_]{0,62}$/;

/** Why `name` is not an acceptable step id or check name, or undefined when it is. */
export function identifierProblem(name: string): string | undefined {
  if (IDENTIFIER_PATTERN.test(name)) return undefined;
  return `"${truncate(name)}" is not a valid identifier: use 1-63 characters a-z, 0-9 and _, starting with a letter`;
}

/** Why `name` is not an acceptable table or column name, or undefined when it is. */
export function sqlNameProblem(name: string): string | undefined {
  return identifierProblem(name) ?? reservedNameProblem(name);
}

/**
 * Why a table or column name that matches IDENTIFIER_PATTERN is still refused, or undefined.
 * Authors write these names unquoted in their SQL, where a reserved word would be a syntax error.
 */
export function reservedNameProblem(name: string): string | undefined {
  if (RESERVED_SQL_WORDS.has(name)) {
    return `"${name}" is a reserved SQL word and would need quoting in every query; choose another name`;
  }
  // PostgreSQL reserves the pg_ prefix for its own catalogs; a table called pg_user would be confused with one.
  if (name.startsWith('pg_')) {
    return `"${name}" starts with pg_, which PostgreSQL reserves for system objects`;
  }
  return undefined;
}

/** Double-quotes an identifier for SQL; safe for any string (embedded quotes are doubled). */
export function quoteIdentifier(name: string): string {
  if (name.includes('\u0000')) throw new PipelineSpecUsageError('an identifier cannot contain a NUL character');
  return `"${name.replaceAll('"', '""')}"`;
}

function truncate(text: string): string {
  return text.length > 70 ? `${text.slice(0, 67)}...` : text;
}
