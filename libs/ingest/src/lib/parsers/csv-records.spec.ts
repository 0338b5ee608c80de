import { Readable } from 'node:stream';
import type { IngestColumn } from '@sluice/pipeline-spec';
import { parse } from 'csv-parse/sync';
import { IngestInputError } from '../ingest-errors';
import { csvRecords } from './csv-records';

/** Nullable text columns c0..c(width-1), so any header naming them is accepted. */
const columnsOf = (width: number): IngestColumn[] => Array.from({ length: width }, (_, i) => ({ name: `c${i}`, type: 'text', nullable: true }));

const header = (width: number) => Array.from({ length: width }, (_, i) => `c${i}`).join(',');

/** The bytes as a stream of exactly these chunks. */
const streamOf = (chunks: readonly (string | Buffer)[]) => Readable.from(chunks.map((chunk) => (typeof chunk === 'string' ? Buffer.from(chunk) : chunk)), { objectMode: false });

/** The records after the header, each as its fields in column order (a wrong-width row: its fields as read). */
async function fields(chunks: readonly (string | Buffer)[], width: number, maxRowBytes = 1 << 20): Promise<unknown[][]> {
  const columns = columnsOf(width);
  const records: unknown[][] = [];
  for await (const batch of csvRecords(streamOf(chunks), { columns, maxRowBytes })) {
    for (const record of batch) records.push(record.kind === 'row' ? columns.map((column) => record.field(column.name)) : (record.raw as unknown[]));
  }
  return records;
}

/** Every way of cutting the bytes of `text` in two (inside multi-byte characters too), plus one byte per chunk. */
function everySplit(text: string): Buffer[][] {
  const bytes = Buffer.from(text);
  const splits = [[...bytes].map((byte) => Buffer.from([byte]))];
  for (let cut = 0; cut <= bytes.length; cut++) splits.push([bytes.subarray(0, cut), bytes.subarray(cut)]);
  return splits;
}

/** A deterministic PRNG, so a failing case can be reproduced. */
function prng(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

describe('csvRecords', () => {
  it.each([
    ['plain fields', 'c0,c1,c2\na,b,c\n1,2,3\n', [['a', 'b', 'c'], ['1', '2', '3']]],
    ['a last record without a line break', 'c0,c1\n1,2', [['1', '2']]],
    ['empty fields', 'c0,c1,c2,c3\n,a,,\n', [['', 'a', '', '']]],
    ['quoted commas and newlines', 'c0,c1\n"x, y","line1\nline2"\n', [['x, y', 'line1\nline2']]],
    ['doubled quotes', 'c0,c1\n"say ""hi""",""""\n', [['say "hi"', '"']]],
    ['an empty quoted field', 'c0,c1,c2\na,"",b\n', [['a', '', 'b']]],
    ['CRLF line ends', 'c0\r\na\r\nb\r\n', [['a'], ['b']]],
    ['bare CR line ends', 'c0\ra\rb', [['a'], ['b']]],
    ['CRLF inside quotes in an LF file', 'c0,c1\n"a\r\nb",c\n', [['a\r\nb', 'c']]],
    ['LF inside quotes in a CRLF file', 'c0,c1\r\n"a\nb",c\r\n', [['a\nb', 'c']]],
    ['blank lines skipped', 'c0\n\na\n\n\nb\n\n', [['a'], ['b']]],
    ['a quote inside an unquoted field kept as is', 'c0,c1\nab"c,d\n', [['ab"c', 'd']]],
    ['unicode', 'c0,c1,c2\nZoë,日本,😀\n', [['Zoë', '日本', '😀']]],
    ['a BOM before the header', '\uFEFFc0,c1\n1,"é"\n', [['1', 'é']]],
    ['a BOM before a quoted header', '\uFEFF"c0","c1"\r\n1,2\r\n', [['1', '2']]],
    ['quoted unicode with escapes', 'c0,c1\r\n"日""本",x\r\n', [['日"本', 'x']]],
  ])('reads %s, however the bytes are cut into chunks', async (_name, text, expected) => {
    for (const chunks of everySplit(text)) expect(await fields(chunks, expected[0].length)).toEqual(expected);
  });

  it('agrees with csv-parse on random CSV full of quotes, commas and line breaks, cut at random', async () => {
    const random = prng(7);
    const alphabet = ['a', 'b', ',', '"', '\n', '\r\n', ' ', 'é'];
    const field = () => {
      const length = Math.floor(random() * 6);
      const text = Array.from({ length }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
      return random() < 0.5 || /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
    };
    for (let round = 0; round < 300; round++) {
      const width = 1 + Math.floor(random() * 4);
      // A line holding only `""` is skipped like a blank line (papaparse cannot tell them apart); csv-parse keeps it.
      const record = () => {
        for (;;) {
          const line = Array.from({ length: width }, field).join(',');
          if (line !== '""') return line;
        }
      };
      const rows = Array.from({ length: 1 + Math.floor(random() * 5) }, record);
      // One line ending per text, as papaparse (and csv-parse) take one per file.
      const newline = random() < 0.5 ? '\n' : '\r\n';
      const text = [header(width), ...rows].join(newline) + (random() < 0.5 ? newline : '');
      const expected = (parse(text, { relax_column_count: true, skip_empty_lines: true }) as string[][]).slice(1);
      const size = Buffer.byteLength(text);
      const cuts = [0, ...Array.from({ length: 3 }, () => Math.floor(random() * size)), size].sort((x, y) => x - y);
      const bytes = Buffer.from(text);
      const chunks = cuts.slice(1).map((cut, i) => bytes.subarray(cuts[i], cut));
      expect({ text, records: await fields(chunks, width) }).toEqual({ text, records: expected });
    }
  });

  it('makes rows with the wrong number of fields unreadable and reads on', async () => {
    const columns = columnsOf(2);
    const records = [];
    for await (const batch of csvRecords(streamOf(['c0,c1\n1,2\n3\n4,5,6\n7,8\n']), { columns, maxRowBytes: 1024 })) records.push(...batch);
    expect(records.map((record) => (record.kind === 'row' ? { row: record.rowNumber, c1: record.field('c1') } : { row: record.rowNumber, reason: record.reason, raw: record.raw }))).toEqual([
      { row: 1, c1: '2' },
      { row: 2, reason: 'the row has 1 field, the header has 2', raw: ['3'] },
      { row: 3, reason: 'the row has 3 fields, the header has 2', raw: ['4', '5', '6'] },
      { row: 4, c1: '8' },
    ]);
  });

  it('refuses a quoted field that is never closed', async () => {
    await expect(fields(['c0,c1\na,"open\nstill open'], 2)).rejects.toThrow(
      new IngestInputError('the CSV source is malformed: a quoted field is not closed at the end of the file'),
    );
  });

  it('refuses text after the closing quote of a field, naming the row, rather than guessing where records end', async () => {
    await expect(fields(['c0,c1\n1,2\n"a"b,c\n3,"x"\n'], 2)).rejects.toThrow(
      new IngestInputError('the CSV source is malformed: text follows the closing quote of a field in row 2'),
    );
    await expect(fields(['"c0"x,c1\n1,2\n'], 2)).rejects.toThrow(/closing quote of a field in the header/);
  });

  it('refuses an unterminated quote once maxRowBytes have passed without a record ending, without reading on', async () => {
    let pulled = 0;
    async function* endlessOpenQuote() {
      yield Buffer.from('c0,c1\n1,"');
      for (let i = 0; i < 10_000; i++) {
        pulled++;
        yield Buffer.from('0123456789'.repeat(100));
      }
    }
    const columns = columnsOf(2);
    const read = async () => {
      for await (const batch of csvRecords(Readable.from(endlessOpenQuote(), { objectMode: false }), { columns, maxRowBytes: 64 * 1024 })) void batch;
    };
    await expect(read()).rejects.toThrow(new IngestInputError('the CSV source is malformed: a record is longer than 65536 bytes'));
    expect(pulled).toBeLessThan(100);
  });

  it('reads a record of maxRowBytes cut into many chunks, and refuses a longer one', async () => {
    const record = `1,"${'x'.repeat(93)}"\n`; // 100 bytes, the line break included
    const cutSmall = (text: string) => text.match(/[^]{1,7}/g) ?? [];
    expect(await fields(['c0,c1\n', ...cutSmall(record), ...cutSmall('2,y\n')], 2, 100)).toEqual([
      ['1', 'x'.repeat(93)],
      ['2', 'y'],
    ]);
    await expect(fields(['c0,c1\n', ...cutSmall(`1,"${'x'.repeat(120)}"\n`)], 2, 100)).rejects.toThrow(/longer than 100 bytes/);
  });

  it("yields each chunk's rows as one batch, while the source is still being read", async () => {
    let produced = 0;
    async function* source() {
      yield Buffer.from('c0,c1\n');
      for (let chunk = 0; chunk < 50; chunk++) {
        produced++;
        yield Buffer.from(Array.from({ length: 100 }, (_, i) => `${chunk * 100 + i},"v ${'x'.repeat(200)}"\n`).join('')); // ~21 KB
      }
    }
    const sizes: number[] = [];
    let producedAtFirstRows = -1;
    let last: unknown;
    for await (const batch of csvRecords(Readable.from(source(), { objectMode: false }), { columns: columnsOf(2), maxRowBytes: 1024 })) {
      if (batch.length > 0 && producedAtFirstRows === -1) producedAtFirstRows = produced;
      if (batch.length > 0) sizes.push(batch.length);
      const record = batch.at(-1);
      if (record?.kind === 'row') last = record.field('c0');
    }
    expect(sizes.reduce((sum, size) => sum + size, 0)).toBe(5000);
    expect(Math.max(...sizes)).toBe(100);
    expect(last).toBe('4999');
    expect(producedAtFirstRows).toBeLessThan(10); // of 50 chunks, ~1 MB
  });
});
