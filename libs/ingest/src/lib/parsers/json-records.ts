import { Readable } from 'node:stream';
import Parser from 'stream-json/Parser';
import StreamArray from 'stream-json/streamers/StreamArray';
import StreamValues from 'stream-json/streamers/StreamValues';
import { IngestInputError } from '../ingest-errors';
import { piped } from './piped';
import { objectRow, type SourceRecord } from './source-record';

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);
const ARRAY = 0x5b; // [
const OBJECT = 0x7b; // {
const JSON_BATCH = 256;

/**
 * Rows of a JSON source: a top-level array is streamed element by element (each element a row,
 * however long the array), a single top-level object is one row. Malformed JSON fails the source:
 * after a syntax error there is no reliable place to resume.
 */
export async function* jsonRecords(input: Readable): AsyncGenerator<readonly SourceRecord[]> {
  const { first, body } = await peekFirstByte(input);
  if (first === undefined) return;
  if (first !== ARRAY && first !== OBJECT) {
    body.destroy();
    throw new IngestInputError(`the JSON source must be an array of objects or one object, it starts with ${JSON.stringify(String.fromCharCode(first))}`);
  }
  const parser = piped(body, new Parser({ streamValues: false }));
  const streamer = piped(parser.output, first === ARRAY ? new StreamArray() : new StreamValues());
  let rowNumber = 0;
  let batch: SourceRecord[] = [];
  try {
    for await (const { value } of streamer.output as AsyncIterable<{ value: unknown }>) {
      rowNumber++;
      batch.push(objectRow(rowNumber, value));
      if (batch.length === JSON_BATCH) {
        yield batch;
        batch = [];
      }
    }
    yield batch;
  } catch (error) {
    if (error instanceof Error && error.message.startsWith('Parser ')) {
      throw new IngestInputError(`the JSON source is malformed after row ${rowNumber}: ${error.message}`);
    }
    throw error;
  } finally {
    streamer.stop();
    parser.stop();
  }
}

/**
 * The first byte that is not whitespace (or a UTF-8 BOM), and the whole input again without the
 * BOM, so the format can be chosen before a parser sees any byte.
 */
async function peekFirstByte(input: Readable): Promise<{ first: number | undefined; body: Readable }> {
  const chunks = input[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const head: Buffer[] = [];
  let first: number | undefined;
  let start = true;
  while (first === undefined) {
    const next = await chunks.next();
    if (next.done) break;
    let chunk = next.value;
    if (start && chunk.subarray(0, 3).equals(BOM)) chunk = chunk.subarray(3);
    start = false;
    head.push(chunk);
    const index = chunk.findIndex((byte) => !WHITESPACE.has(byte));
    if (index !== -1) first = chunk[index];
  }
  async function* replay(): AsyncGenerator<Buffer> {
    yield* head;
    for (let next = await chunks.next(); !next.done; next = await chunks.next()) yield next.value;
  }
  return { first, body: Readable.from(replay(), { objectMode: false }) };
}
