import type { QueryConfig } from 'pg';

/** A statement and its parameters, ready for `client.query(text, values)`. */
export interface SqlQuery {
  readonly text: string;
  readonly values: readonly unknown[];
}

/** Collects parameter values while a statement is built; `add` returns the placeholder (`$1`, `$2`...). */
export class SqlParameters {
  private readonly list: unknown[] = [];

  add(value: unknown): string {
    this.list.push(value);
    return `$${this.list.length}`;
  }

  query(text: string): SqlQuery {
    return { text, values: [...this.list] };
  }
}

/**
 * The query for `client.query`, always over the extended protocol (parse/bind/execute), which
 * PostgreSQL refuses to run more than one statement through: with no parameters, `pg` would
 * otherwise send the text as a simple query, where `a; b` runs both.
 */
export function extendedQuery(query: SqlQuery): QueryConfig {
  return { text: query.text, values: [...query.values], queryMode: 'extended' } as QueryConfig;
}
