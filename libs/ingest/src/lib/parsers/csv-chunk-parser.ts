import { EventEmitter } from 'node:events';
import { StringDecoder } from 'node:string_decoder';
import Papa from 'papaparse';
import { IngestInputError } from '../ingest-errors';

/**
 * UTF-8 CSV bytes (RFC 4180) to records, chunk by chunk, parsed by papaparse: `push` returns the
 * records a chunk completes, `end` the last one. Blank lines are skipped (papaparse cannot tell a
 * line holding only `""` from a blank one, so that is skipped too); a leading BOM is dropped.
 *
 * papaparse keeps the unfinished record between chunks. To keep that bounded, the source fails as
 * soon as more than `maxRecordBytes` bytes have come in without a record ending, so at most that
 * plus one chunk is held, whatever a hostile file (an unterminated quote) holds.
 *
 * papaparse picks the line ending (LF, CRLF or CR) from the first text it parses, so it is given
 * the first line alone first (held back until its line break and the character after it arrive).
 */
export class CsvChunkParser {
  private readonly feed = new TextFeed();
  private readonly decoder = new StringDecoder('utf8');
  private readonly parsed: Papa.ParseResult<string[]>[] = [];
  /** the text before the first line break, held back (see above); undefined once given to papaparse */
  private head: string | undefined = '';
  /** bytes in since the chunk in which a record last ended */
  private unfinishedBytes = 0;
  /** records returned so far (the header included) */
  private records = 0;

  constructor(private readonly maxRecordBytes: number) {
    Papa.parse<string[]>(this.feed as unknown as NodeJS.ReadableStream, {
      delimiter: ',',
      quoteChar: '"',
      escapeChar: '"',
      header: false,
      dynamicTyping: false,
      skipEmptyLines: false, // skipped in collect(), once they have counted as a record ending
      chunk: (results) => {
        this.parsed.push(results);
      },
      complete: () => undefined, // every record came through `chunk`
    });
  }

  /** The records this chunk completes. */
  push(chunk: Buffer): string[][] {
    this.unfinishedBytes += chunk.length;
    const records = this.parse(this.decoder.write(chunk), false);
    if (this.unfinishedBytes > this.maxRecordBytes) {
      throw new IngestInputError(`the CSV source is malformed: a record is longer than ${this.maxRecordBytes} bytes`);
    }
    return records;
  }

  /** The last record when the input does not end with a line break; fails on an unterminated quote. */
  end(): string[][] {
    return this.parse(this.decoder.end(), true);
  }

  private parse(decoded: string, final: boolean): string[][] {
    let texts = [decoded];
    if (this.head !== undefined) {
      const held = this.head + decoded;
      const head = held.startsWith(BOM) ? held.slice(BOM.length) : held;
      const lineBreak = LINE_BREAK_AND_NEXT.exec(head);
      if (lineBreak === null && !final) {
        this.head = held;
        return [];
      }
      this.head = undefined;
      // The first line alone first, so the line ending is guessed from it however the input is cut.
      const firstLineEnd = lineBreak === null ? head.length : lineBreak.index + lineBreak[0].length;
      texts = [head.slice(0, firstLineEnd), head.slice(firstLineEnd)];
    }
    // papaparse parses each 'data' text synchronously and reports it through `chunk` before emit returns.
    for (const text of texts) if (text !== '') this.feed.emit('data', text);
    if (final) this.feed.emit('end');
    const records: string[][] = [];
    for (const results of this.parsed.splice(0)) this.collect(results, final, records);
    return records;
  }

  private collect(results: Papa.ParseResult<string[]>, final: boolean, records: string[][]): void {
    const rows = results.data;
    if (rows.length > 0) this.unfinishedBytes = 0;
    // An error about the unfinished last record is reported again when that record is parsed whole.
    const badQuote = results.errors.find((error) => error.code === 'InvalidQuotes' && error.row !== undefined && error.row < rows.length)?.row;
    const unclosed = final && results.errors.some((error) => error.code === 'MissingQuotes');
    if (unclosed && badQuote === undefined) throw new IngestInputError('the CSV source is malformed: a quoted field is not closed at the end of the file');
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i];
      if (i === badQuote) {
        const where = this.records === 0 ? 'in the header' : `in row ${this.records}`;
        throw new IngestInputError(`the CSV source is malformed: text follows the closing quote of a field ${where}`);
      }
      if (row.length === 1 && row[0] === '') continue;
      records.push(row);
      this.records++;
    }
  }
}

const BOM = '\uFEFF';
const LINE_BREAK_AND_NEXT = /\n|\r[^]/;

/**
 * What papaparse's stream reader needs of a readable stream (`readable`, `read`, `on`). The parser
 * above emits its 'data' and 'end' itself, one decoded chunk at a time, rather than handing
 * papaparse the input stream (which it would read in flowing mode): so the input is read only as
 * fast as the caller pulls records, and each chunk's records come back at once, in one batch.
 */
class TextFeed extends EventEmitter {
  readonly readable = true;

  read(): null {
    return null;
  }
}
