/** Longest SQL text (transform `sql`, dq `query`) accepted. */
export const MAX_SQL_LENGTH = 20_000;
