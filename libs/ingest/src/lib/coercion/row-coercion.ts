import type { IngestColumn } from '@sluice/pipeline-spec';
import { coerceColumnValue } from './column-value';

/** One row as the target table's values, in column order, or the first reason it does not fit. */
export type CoercedRow = { readonly ok: true; readonly values: readonly (string | null)[] } | { readonly ok: false; readonly reason: string };

/** A row's fields by name; `textual` when they are text spelling values (CSV), so jsonb fields are parsed. */
export interface RowFields {
  readonly textual: boolean;
  field(name: string): unknown;
}

/** Coerces each declared column from the row's field of that name; stops at the first column that does not fit. */
export function coerceRow(columns: readonly IngestColumn[], row: RowFields): CoercedRow {
  const values: (string | null)[] = new Array(columns.length);
  for (let i = 0; i < columns.length; i++) {
    const column = columns[i];
    const result = coerceColumnValue(column, row.field(column.name), row.textual);
    if (!result.ok) return { ok: false, reason: `column ${column.name}: ${result.reason}` };
    values[i] = result.value;
  }
  return { ok: true, values };
}
