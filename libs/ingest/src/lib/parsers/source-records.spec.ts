import { Readable } from 'node:stream';
import type { IngestColumn, SourceFormat } from '@sluice/pipeline-spec';
import { IngestInputError } from '../ingest-errors';
import type { SourceRecord } from './source-record';
import { sourceRecords } from './source-records';

const columns: IngestColumn[] = [
  { name: 'id', type: 'integer', nullable: false },
  { name: 'name', type: 'text', nullable: false },
  { name: 'note', type: 'text', nullable: true },
];

/** The input as a stream of the given chunks (strings or bytes), so chunk boundaries can be placed on purpose. */
const chunks = (...parts: (string | Buffer)[]) => Readable.from(parts.map((part) => (typeof part === 'string' ? Buffer.from(part) : part)), { objectMode: false });

function view(record: SourceRecord) {
  if (record.kind === 'unreadable') return { row: record.rowNumber, reason: record.reason, raw: record.raw };
  return { row: record.rowNumber, id: record.field('id'), name: record.field('name'), note: record.field('note') };
}

async function read(format: SourceFormat, input: Readable, maxRowBytes = 1024) {
  const rows = [];
  for await (const batch of sourceRecords(input, format, { columns, maxRowBytes })) rows.push(...batch.map(view));
  return rows;
}

describe('CSV rows', () => {
  it('reads quoted fields with commas, doubled quotes and newlines inside, CRLF and a BOM', async () => {
    const csv = '\uFEFFid,name,note\r\n1,"Smith, Jane","said ""hi""\r\nthen left"\r\n2,Bob,\r\n';
    expect(await read('csv', chunks(csv))).toEqual([
      { row: 1, id: '1', name: 'Smith, Jane', note: 'said "hi"\r\nthen left' },
      { row: 2, id: '2', name: 'Bob', note: '' },
    ]);
  });

  it('matches columns by header name, in any order, ignoring extra columns and padding around names', async () => {
    expect(await read('csv', chunks(' name , extra,id\nAnn,x,7\n'))).toEqual([{ row: 1, id: '7', name: 'Ann', note: undefined }]);
  });

  it('makes a row with the wrong number of fields unreadable and keeps reading', async () => {
    const rows = await read('csv', chunks('id,name,note\n1,a,b\n2,b\n3,c,d,e\n4,d,e\n'));
    expect(rows).toEqual([
      { row: 1, id: '1', name: 'a', note: 'b' },
      { row: 2, reason: 'the row has 2 fields, the header has 3', raw: ['2', 'b'] },
      { row: 3, reason: 'the row has 4 fields, the header has 3', raw: ['3', 'c', 'd', 'e'] },
      { row: 4, id: '4', name: 'd', note: 'e' },
    ]);
  });

  it('reads a multi-byte character split across two chunks', async () => {
    const bytes = Buffer.from('id,name\n1,Zoë\n');
    const split = bytes.indexOf(0xc3) + 1;
    expect(await read('csv', chunks(bytes.subarray(0, split), bytes.subarray(split)))).toEqual([{ row: 1, id: '1', name: 'Zoë', note: undefined }]);
  });

  it('refuses a header without a declared non-nullable column, naming it', async () => {
    await expect(read('csv', chunks('id,title\n1,x\n'))).rejects.toThrow(new IngestInputError('the CSV header has no column name (it has: id, title)'));
  });

  it('refuses a header that names a declared column twice', async () => {
    await expect(read('csv', chunks('id,name,name\n1,a,b\n'))).rejects.toThrow(/names name more than once/);
  });

  it('refuses an unterminated quote and a record over the size limit as malformed', async () => {
    await expect(read('csv', chunks('id,name\n1,"open\n2,b\n'))).rejects.toThrow(IngestInputError);
    await expect(read('csv', chunks('id,name\n1,', ...Array.from({ length: 5 }, () => 'x'.repeat(1000)), '\n'), 1024)).rejects.toThrow(/malformed/);
  });

  it('gives no rows for an empty file or a header alone', async () => {
    expect(await read('csv', chunks(''))).toEqual([]);
    expect(await read('csv', chunks('id,name\n'))).toEqual([]);
  });
});

describe('NDJSON rows', () => {
  it('reads one object per line, skipping blank lines, with CRLF and a BOM', async () => {
    expect(await read('ndjson', chunks('\uFEFF{"id":1,"name":"a"}\r\n\r\n{"id":2,"name":"b","note":null}\n'))).toEqual([
      { row: 1, id: 1, name: 'a', note: undefined },
      { row: 2, id: 2, name: 'b', note: null },
    ]);
  });

  it('makes a bad line and a non-object line unreadable and reads the lines after them', async () => {
    const rows = await read('ndjson', chunks('{"id":1,"name":"a"}\n{"id":2,"name":\n[1,2]\n"text"\n{"id":5,"name":"e"}'));
    expect(rows[0]).toEqual({ row: 1, id: 1, name: 'a', note: undefined });
    expect(rows[1]).toMatchObject({ row: 2, raw: '{"id":2,"name":', reason: expect.stringMatching(/^the line is not valid JSON/) });
    expect(rows[2]).toEqual({ row: 3, raw: [1, 2], reason: 'the row is an array, not a JSON object' });
    expect(rows[3]).toEqual({ row: 4, raw: 'text', reason: 'the row is a string, not a JSON object' });
    expect(rows[4]).toEqual({ row: 5, id: 5, name: 'e', note: undefined });
  });

  it('joins a line split across chunks, even inside a multi-byte character', async () => {
    const bytes = Buffer.from('{"id":1,"name":"Zoë"}\n{"id":2,"name":"b"}\n');
    const split = bytes.indexOf(0xc3) + 1;
    expect(await read('ndjson', chunks(bytes.subarray(0, split), bytes.subarray(split, split + 10), bytes.subarray(split + 10)))).toEqual([
      { row: 1, id: 1, name: 'Zoë', note: undefined },
      { row: 2, id: 2, name: 'b', note: undefined },
    ]);
  });

  it('skips a line over the size limit without holding it, and reads on', async () => {
    const long = `{"id":1,"name":"${'x'.repeat(3000)}"}\n`;
    const rows = await read('ndjson', chunks(long.slice(0, 1000), long.slice(1000, 2000), long.slice(2000), '{"id":2,"name":"b"}\n'), 1024);
    expect(rows).toEqual([
      { row: 1, raw: null, reason: 'the line is longer than 1024 bytes' },
      { row: 2, id: 2, name: 'b', note: undefined },
    ]);
  });
});

describe('JSON rows', () => {
  it('reads each element of a top-level array as a row, after whitespace and a BOM', async () => {
    expect(await read('json', chunks('\uFEFF \n [{"id":1,"name":"a"},', '{"id":2,"name":"b","note":"n"}, 3]'))).toEqual([
      { row: 1, id: 1, name: 'a', note: undefined },
      { row: 2, id: 2, name: 'b', note: 'n' },
      { row: 3, raw: 3, reason: 'the row is a number, not a JSON object' },
    ]);
  });

  it('reads a single top-level object as one row', async () => {
    expect(await read('json', chunks('{"id": 9, "name": "only"}'))).toEqual([{ row: 1, id: 9, name: 'only', note: undefined }]);
  });

  it('refuses a document that is neither an array nor an object, and malformed JSON', async () => {
    await expect(read('json', chunks('  "just text"'))).rejects.toThrow(/must be an array of objects or one object/);
    await expect(read('json', chunks('[{"id":1,"name":"a"}, {"id":2,'))).rejects.toThrow(/malformed after row 1/);
    await expect(read('json', chunks('{"id":1} trailing'))).rejects.toThrow(IngestInputError);
  });

  it('gives no rows for an empty document or an empty array', async () => {
    expect(await read('json', chunks(''))).toEqual([]);
    expect(await read('json', chunks('[]'))).toEqual([]);
  });

  it('streams one huge array: the first rows arrive long before the source has produced it all', async () => {
    const elements = 200_000;
    const perChunk = 1_000;
    let produced = 0;
    async function* hugeArray() {
      yield Buffer.from('[');
      for (let start = 0; start < elements; start += perChunk) {
        const items = Array.from({ length: perChunk }, (_, i) => JSON.stringify({ id: start + i, name: `n${start + i}` }));
        produced += perChunk;
        yield Buffer.from((start === 0 ? '' : ',') + items.join(','));
      }
      yield Buffer.from(']');
    }
    let producedAtFirstRow = -1;
    let rows = 0;
    let lastId: unknown;
    for await (const batch of sourceRecords(Readable.from(hugeArray(), { objectMode: false }), 'json', { columns, maxRowBytes: 1024 })) {
      for (const record of batch) {
        if (rows === 0) producedAtFirstRow = produced;
        rows++;
        if (record.kind === 'row') lastId = record.field('id');
      }
    }
    expect(rows).toBe(elements);
    expect(lastId).toBe(elements - 1);
    expect(producedAtFirstRow).toBeLessThan(elements / 10);
  });
});
