import type { Readable } from 'node:stream';
import type { IngestColumn, SourceFormat } from '@sluice/pipeline-spec';
import { csvRecords } from './csv-records';
import { jsonRecords } from './json-records';
import { ndjsonRecords } from './ndjson-records';
import type { SourceRecord } from './source-record';

export interface ParseOptions {
  readonly columns: readonly IngestColumn[];
  /** longest CSV record or NDJSON line before it is refused */
  readonly maxRowBytes: number;
}

/** The rows of a byte stream in the given format, in batches, read as the consumer asks for them. */
export function sourceRecords(input: Readable, format: SourceFormat, options: ParseOptions): AsyncGenerator<readonly SourceRecord[]> {
  switch (format) {
    case 'csv':
      return csvRecords(input, { columns: options.columns, maxRowBytes: options.maxRowBytes });
    case 'ndjson':
      return ndjsonRecords(input, { maxRowBytes: options.maxRowBytes });
    case 'json':
      return jsonRecords(input);
  }
}
