import type { IngestColumn } from '@sluice/pipeline-spec';
import { columnValue, Misfit } from './column-value';

/** A row's fields by name; `textual` when they are text spelling values (CSV), so jsonb fields are parsed. */
export interface RowFields {
  readonly textual: boolean;
  field(name: string): unknown;
}

/**
 * Coerces row after row to the same columns into one reused array, `values`, which holds the last
 * row that fit until the next call: a load of a million rows allocates no array per row.
 */
export class RowCoercer {
  readonly values: (string | null)[];

  constructor(private readonly columns: readonly IngestColumn[]) {
    this.values = new Array<string | null>(columns.length).fill(null);
  }

  /** Fills `values` from the row; returns undefined, or the reason of the first column that does not fit. */
  coerce(row: RowFields): string | undefined {
    for (let i = 0; i < this.columns.length; i++) {
      const column = this.columns[i];
      const value = columnValue(column, row.field(column.name), row.textual);
      if (value instanceof Misfit) return `column ${column.name}: ${value.reason}`;
      this.values[i] = value;
    }
    return undefined;
  }
}
