import { InvalidArgumentError } from '@sluice/contracts';
import { decodeDatasetsCursor, decodeRowsCursor, encodeDatasetsCursor, encodeRowsCursor } from './dataset-cursor';
import { appendStatement, collectRowsStatement, keyIndexName, keyIndexStatement, replaceStatements, upsertStatement } from './write-statements';

const target = { schema: 't_0123456789abcdef0123456789abcdef', table: 'movies_clean' };
const T = '"t_0123456789abcdef0123456789abcdef"."movies_clean"';

describe('write statements', () => {
  it('builds a replace in a table of its own and swaps it in, with the query last', () => {
    const query = 'select 1 as a -- trailing comment';
    expect(replaceStatements(target, query)).toEqual({
      dropBuild: 'DROP TABLE IF EXISTS "t_0123456789abcdef0123456789abcdef"."movies_clean__load"',
      create: `CREATE TABLE "t_0123456789abcdef0123456789abcdef"."movies_clean__load" AS ${query}`,
      dropTarget: `DROP TABLE IF EXISTS ${T}`,
      rename: 'ALTER TABLE "t_0123456789abcdef0123456789abcdef"."movies_clean__load" RENAME TO "movies_clean"',
    });
    expect(collectRowsStatement(query)).toBe(`CREATE TEMP TABLE sluice_transform_rows ON COMMIT DROP AS ${query}`);
  });

  it('appends by column name and upserts with ON CONFLICT on the key, updating only the other columns', () => {
    expect(appendStatement(target, ['title', 'rating'])).toBe(`INSERT INTO ${T} ("title", "rating") SELECT "title", "rating" FROM pg_temp.sluice_transform_rows`);
    expect(upsertStatement(target, ['id', 'title', 'rating'], ['id'])).toBe(
      `INSERT INTO ${T} ("id", "title", "rating") SELECT "id", "title", "rating" FROM pg_temp.sluice_transform_rows ON CONFLICT ("id") DO UPDATE SET "title" = EXCLUDED."title", "rating" = EXCLUDED."rating"`,
    );
    expect(upsertStatement(target, ['a', 'b'], ['a', 'b'])).toMatch(/ON CONFLICT \("a", "b"\) DO NOTHING$/);
    expect(keyIndexStatement(target, ['a', 'b'])).toBe(`CREATE UNIQUE INDEX IF NOT EXISTS "movies_clean__key" ON ${T} ("a", "b")`);
  });

  it('quotes column names from a query result, whatever they contain', () => {
    expect(appendStatement(target, ['we"ird'])).toContain('("we""ird")');
  });

  it('keeps the key index name within 63 bytes and distinct for long table names', () => {
    const a = keyIndexName(`${'t'.repeat(60)}a`);
    const b = keyIndexName(`${'t'.repeat(60)}b`);
    expect(a.length).toBeLessThanOrEqual(63);
    expect(a).not.toBe(b);
  });
});

describe('dataset cursors', () => {
  it('round-trips, and refuses what this API did not make', () => {
    expect(decodeDatasetsCursor(encodeDatasetsCursor('movies'))).toBe('movies');
    expect(decodeDatasetsCursor('')).toBeUndefined();
    expect(decodeRowsCursor(encodeRowsCursor({ version: 3, ctid: '(0,7)' }), 3)).toEqual({ version: 3, ctid: '(0,7)' });
    expect(() => decodeRowsCursor(Buffer.from(JSON.stringify({ v: 3, p: "(0,1)'; drop" })).toString('base64url'), 3)).toThrow(InvalidArgumentError);
    expect(() => decodeDatasetsCursor('%%%')).toThrow(InvalidArgumentError);
  });

  it('refuses a rows cursor of another version of the dataset', () => {
    let refused: unknown;
    try {
      decodeRowsCursor(encodeRowsCursor({ version: 2, ctid: '(0,1)' }), 3);
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(InvalidArgumentError);
    expect((refused as InvalidArgumentError).violations).toEqual([{ path: 'cursor', message: expect.stringMatching(/newer version \(3\)/) }]);
  });
});
