const MAX_COLUMNS = 50;
const MAX_TEXT = 200;

function truncate(text: string): string {
  return text.length <= MAX_TEXT ? text : `${text.slice(0, MAX_TEXT)}…`;
}

function exampleValue(value: unknown): unknown {
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value === 'string') return truncate(value);
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (Buffer.isBuffer(value)) return truncate(`\\x${value.toString('hex')}`);
  // json/jsonb and arrays: kept as they are when small, as (shortened) text when not
  const json = JSON.stringify(value) ?? null;
  return json !== null && json.length <= MAX_TEXT ? value : json === null ? null : truncate(json);
}

/**
 * An offending row as it travels in a step event: at most 50 columns, long text shortened, dates as
 * RFC 3339, bytes as hex, so five examples of a hundred checks stay well inside one message.
 */
export function toExampleRow(row: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(row)
      .slice(0, MAX_COLUMNS)
      .map(([key, value]) => [key, exampleValue(value)]),
  );
}
