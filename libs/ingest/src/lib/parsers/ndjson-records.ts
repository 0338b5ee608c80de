import type { Readable } from 'node:stream';
import { objectRow, type SourceRecord } from './source-record';

const NEWLINE = 0x0a;
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

export interface NdjsonOptions {
  /** longest line (in bytes); a longer one is an unreadable row, skipped without being held */
  readonly maxRowBytes: number;
}

/**
 * Rows of newline-delimited JSON: one object per line (LF or CRLF), blank lines ignored. A line
 * that is not JSON, or not an object, is an unreadable row; the lines after it are still read.
 */
export async function* ndjsonRecords(input: Readable, options: NdjsonOptions): AsyncGenerator<readonly SourceRecord[]> {
  let rowNumber = 0;
  for await (const lines of lineBatches(input, options.maxRowBytes)) {
    const batch: SourceRecord[] = [];
    for (const line of lines) {
      if (line === undefined) {
        rowNumber++;
        batch.push({ kind: 'unreadable', rowNumber, raw: null, reason: `the line is longer than ${options.maxRowBytes} bytes` });
        continue;
      }
      const text = line.toString('utf8').trim();
      if (text === '') continue;
      rowNumber++;
      batch.push(parseLine(rowNumber, text));
    }
    yield batch;
  }
}

function parseLine(rowNumber: number, text: string): SourceRecord {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { kind: 'unreadable', rowNumber, raw: text, reason: `the line is not valid JSON (${(error as Error).message})` };
  }
  return objectRow(rowNumber, value);
}

/**
 * The lines completed by each chunk, as buffers (decoded whole, so a character split across
 * chunks stays intact); undefined for a line over the limit.
 */
async function* lineBatches(input: Readable, maxBytes: number): AsyncGenerator<(Buffer | undefined)[]> {
  let parts: Buffer[] = [];
  let length = 0;
  let overflow = false;
  let first = true;
  for await (const data of input as AsyncIterable<Buffer>) {
    let chunk = first && data.subarray(0, 3).equals(BOM) ? data.subarray(3) : data;
    first = false;
    const lines: (Buffer | undefined)[] = [];
    for (let newline = chunk.indexOf(NEWLINE); newline !== -1; newline = chunk.indexOf(NEWLINE)) {
      const piece = chunk.subarray(0, newline);
      if (!overflow && length + piece.length <= maxBytes) lines.push(parts.length === 0 ? piece : Buffer.concat([...parts, piece]));
      else lines.push(undefined);
      parts = [];
      length = 0;
      overflow = false;
      chunk = chunk.subarray(newline + 1);
    }
    if (overflow || length + chunk.length > maxBytes) {
      overflow = true;
      parts = [];
      length = 0;
    } else if (chunk.length > 0) {
      parts.push(chunk);
      length += chunk.length;
    }
    yield lines;
  }
  if (overflow) yield [undefined];
  else if (length > 0) yield [Buffer.concat(parts)];
}
