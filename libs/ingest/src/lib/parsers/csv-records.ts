import type { Readable } from 'node:stream';
import type { IngestColumn } from '@sluice/pipeline-spec';
import { IngestInputError } from '../ingest-errors';
import { CsvChunkParser } from './csv-chunk-parser';
import type { SourceRecord, SourceRow } from './source-record';

export interface CsvOptions {
  readonly columns: readonly IngestColumn[];
  /** longest record (in bytes) before the source is refused */
  readonly maxRowBytes: number;
}

/**
 * Rows of a CSV source with a header row (RFC 4180, parsed by papaparse: quoted fields, `""`
 * escapes, newlines inside quotes, CRLF, LF or CR, an optional UTF-8 BOM). Columns are matched to
 * the header by name; a row with more or fewer fields than the header is unreadable, not guessed at.
 */
export async function* csvRecords(input: Readable, options: CsvOptions): AsyncGenerator<readonly SourceRecord[]> {
  const parser = new CsvChunkParser(options.maxRowBytes);
  let header: Map<string, number> | undefined;
  let width = 0;
  let rowNumber = 0;
  try {
    for await (const chunk of withEnd(input)) {
      const batch: SourceRecord[] = [];
      for (const record of chunk === END ? parser.end() : parser.push(chunk)) {
        if (header === undefined) {
          header = headerIndex(record, options.columns);
          width = record.length;
          continue;
        }
        rowNumber++;
        batch.push(record.length === width ? new CsvRow(rowNumber, record, header) : wrongWidth(rowNumber, record, width));
      }
      yield batch;
    }
  } finally {
    input.destroy();
  }
}

const END = Symbol('end');

/** The input's chunks, then END, so the last record can be finished in the same loop. */
async function* withEnd(input: Readable): AsyncGenerator<Buffer | typeof END> {
  for await (const chunk of input as AsyncIterable<Buffer | string>) yield typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
  yield END;
}

function headerIndex(names: readonly string[], columns: readonly IngestColumn[]): Map<string, number> {
  const index = new Map<string, number>();
  const duplicates = new Set<string>();
  names.forEach((raw, position) => {
    const name = raw.trim();
    if (index.has(name)) duplicates.add(name);
    else index.set(name, position);
  });
  const ambiguous = columns.filter((column) => duplicates.has(column.name)).map((column) => column.name);
  if (ambiguous.length > 0) throw new IngestInputError(`the CSV header names ${ambiguous.join(', ')} more than once`);
  const missing = columns.filter((column) => !column.nullable && !index.has(column.name)).map((column) => column.name);
  if (missing.length > 0) {
    const found = names.slice(0, 20).join(', ') + (names.length > 20 ? ', ...' : '');
    throw new IngestInputError(`the CSV header has no column ${missing.join(', ')} (it has: ${found})`);
  }
  return index;
}

/** A CSV record with its fields found by header name (a class: one small object per row, no closures). */
class CsvRow implements SourceRow {
  readonly kind = 'row';
  readonly textual = true;

  constructor(
    readonly rowNumber: number,
    private readonly record: readonly string[],
    private readonly header: ReadonlyMap<string, number>,
  ) {}

  field(name: string): unknown {
    const position = this.header.get(name);
    return position === undefined ? undefined : this.record[position];
  }

  raw(): unknown {
    return Object.fromEntries([...this.header].map(([name, position]) => [name, this.record[position]]));
  }
}

const wrongWidth = (rowNumber: number, record: readonly string[], width: number): SourceRecord => ({
  kind: 'unreadable',
  rowNumber,
  raw: record,
  reason: `the row has ${record.length} field${record.length === 1 ? '' : 's'}, the header has ${width}`,
});
