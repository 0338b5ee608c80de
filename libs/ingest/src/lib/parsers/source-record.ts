/** One row read from a source: its fields by name, or why it could not be read as a row. */
export type SourceRecord = SourceRow | UnreadableRow;

/**
 * Rows as a source yields them: in batches (one per chunk read), so the per-row cost of async
 * iteration is paid once per batch. A batch may be empty.
 */
export type RecordBatches = AsyncIterable<readonly SourceRecord[]>;

export interface SourceRow {
  readonly kind: 'row';
  /** 1-based position among the source's rows (a CSV header is not a row) */
  readonly rowNumber: number;
  /** every field is text that spells a value (CSV), rather than a typed JSON value */
  readonly textual: boolean;
  /** the field's value; undefined when the row has no such field */
  field(name: string): unknown;
  /** the row as read, for the reject table */
  raw(): unknown;
}

export interface UnreadableRow {
  readonly kind: 'unreadable';
  readonly rowNumber: number;
  readonly raw: unknown;
  readonly reason: string;
}

/** A JSON object (from NDJSON, a JSON array, a scraped page) as a row. */
export function objectRow(rowNumber: number, value: unknown): SourceRecord {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { kind: 'unreadable', rowNumber, raw: value, reason: `the row is ${value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`}, not a JSON object` };
  }
  const fields = value as Record<string, unknown>;
  return { kind: 'row', rowNumber, textual: false, field: (name) => (Object.hasOwn(fields, name) ? fields[name] : undefined), raw: () => fields };
}
