import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import { SafeFetcher } from '@sluice/safe-fetch';
import { tenantSchema } from '@sluice/warehouse';
import { IngestInputError } from './ingest-errors';
import { runIngestStep, type IngestContext, type IngestJob } from './ingest-step-runner';
import { StagingBusyError } from './load/staging-loader';
import type { PageBatch } from './sources/scrape-records';

const MOVIES_CSV = [
  'title,year,rating,released,watched,meta',
  'Alien,1979,8.5,1979-05-25,true,"{""genre"": ""horror""}"',
  '"Crouching Tiger, Hidden Dragon",2000,,2000-07-07,no,',
  'Heat,nineteen95,8.3,1995-12-15,yes,{}',
  'Broken,1999,7',
  'Leap,2001,7.1,2001-02-29,false,',
  'Tab\tand\\slash,2002,6,2002-01-01,t,"[1,2]"',
].join('\n');

const COLUMNS = [
  { name: 'title', type: 'text', nullable: false },
  { name: 'year', type: 'integer', nullable: false },
  { name: 'rating', type: 'numeric', nullable: true },
  { name: 'released', type: 'date', nullable: false },
  { name: 'watched', type: 'boolean', nullable: false },
  { name: 'meta', type: 'jsonb', nullable: true },
];

describe('runIngestStep on PostgreSQL', () => {
  const tenantId = randomUUID();
  const schema = tenantSchema(tenantId);
  let pool: Pool;
  let fetcher: SafeFetcher;
  let root: string;
  let outside: string;
  let pages: PageBatch[] = [];

  const context = (): IngestContext => ({
    pool,
    fileRoot: root,
    fetcher,
    maxRowBytes: 64 * 1024,
    listPages: async ({ cursor }) => pages[Number(cursor || 0)],
  });
  const job = (step: Record<string, unknown>, stepId = 'load'): IngestJob => ({ runId: randomUUID(), stepId, tenantId, pipeline: 'movies', step: { id: stepId, kind: 'ingest', ...step } });
  const fileStep = (path: string, format = 'csv', columns: unknown = COLUMNS) => ({ source: { type: 'file', path, format }, columns });
  const rowsOf = async (table: string, orderBy = 'title') => (await pool.query(`SELECT * FROM "${schema}"."${table}" ORDER BY ${orderBy}`)).rows;
  const tablesOf = async () =>
    (await pool.query<{ table_name: string }>('SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1', [schema])).rows.map((r) => r.table_name);

  beforeAll(async () => {
    pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 6 });
    fetcher = new SafeFetcher({ userAgent: 'SluiceTest/1.0', allowlist: [] });
    root = await mkdtemp(join(tmpdir(), 'sluice-ingest-int-'));
    outside = await mkdtemp(join(tmpdir(), 'sluice-ingest-outside-'));
    await mkdir(join(root, tenantId), { recursive: true });
    await writeFile(join(root, tenantId, 'movies.csv'), MOVIES_CSV);
    await writeFile(join(outside, 'secret.csv'), 'title\nsecret\n');
    await symlink(join(outside, 'secret.csv'), join(root, tenantId, 'escape.csv'));
  });

  afterAll(async () => {
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
    await fetcher.close();
    await rm(root, { recursive: true, force: true });
    await rm(outside, { recursive: true, force: true });
  });

  it('loads rows that fit, typed, and puts the others in the reject table with the reason', async () => {
    const movies = job(fileStep('movies.csv'));
    const result = await runIngestStep(movies, context());
    expect(result).toMatchObject({ rowsIn: 6, rowsOut: 3, rejected: 3, staging: { schema, table: 'stg__movies__load' }, rejects: { schema, table: 'rej__movies__load' } });

    const rows = await rowsOf('stg__movies__load');
    expect(rows).toEqual([
      { title: 'Alien', year: 1979, rating: '8.5', released: expect.any(Date), watched: true, meta: { genre: 'horror' } },
      { title: 'Crouching Tiger, Hidden Dragon', year: 2000, rating: null, released: expect.any(Date), watched: false, meta: null },
      { title: 'Tab\tand\\slash', year: 2002, rating: '6', released: expect.any(Date), watched: true, meta: [1, 2] },
    ]);
    const released = await pool.query(`SELECT released::text AS d FROM "${schema}"."stg__movies__load" ORDER BY title`);
    expect(released.rows.map((r) => r.d)).toEqual(['1979-05-25', '2000-07-07', '2002-01-01']);

    const rejects = await rowsOf('rej__movies__load', 'row_number');
    expect(rejects).toEqual([
      { run_id: movies.runId, row_number: '3', reason: 'column year: "nineteen95" is not a whole number', raw: expect.objectContaining({ title: 'Heat', year: 'nineteen95' }) },
      { run_id: movies.runId, row_number: '4', reason: 'the row has 3 fields, the header has 6', raw: ['Broken', '1999', '7'] },
      { run_id: movies.runId, row_number: '5', reason: 'column released: "2001-02-29" is not a date (YYYY-MM-DD)', raw: expect.objectContaining({ title: 'Leap' }) },
    ]);
  });

  it('writes the rows frozen (COPY FREEZE), so no reader has to set hint bits on them nor vacuum freeze them later', async () => {
    // Frozen rows are the one kind a snapshot taken before they were written can see.
    const older = await pool.connect();
    try {
      await older.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
      await older.query('SELECT 1');
      await runIngestStep(job(fileStep('movies.csv'), 'frozen'), context());
      const seen = await older.query(`SELECT (SELECT count(*) FROM "${schema}"."stg__movies__frozen")::int AS rows, (SELECT count(*) FROM "${schema}"."rej__movies__frozen")::int AS rejects`);
      expect(seen.rows[0]).toEqual({ rows: 3, rejects: 3 });
    } finally {
      await older.query('ROLLBACK');
      older.release();
      await pool.query(`DROP TABLE IF EXISTS "${schema}"."stg__movies__frozen", "${schema}"."rej__movies__frozen"`);
    }
  });

  it('gives the same rows and no duplicates when the job is delivered again, even after a crashed attempt', async () => {
    const again = job(fileStep('movies.csv'));
    await runIngestStep(again, context());
    const first = await rowsOf('stg__movies__load');
    // A crashed attempt leaves a half-filled loading table behind; the next attempt must not keep it.
    await pool.query(`CREATE TABLE "${schema}"."stg__movies__load__load" (title text)`);
    await pool.query(`INSERT INTO "${schema}"."stg__movies__load__load" VALUES ('half-loaded')`);
    const result = await runIngestStep(again, context());
    expect(result).toMatchObject({ rowsIn: 6, rowsOut: 3, rejected: 3 });
    expect(await rowsOf('stg__movies__load')).toEqual(first);
    expect(await rowsOf('rej__movies__load', 'row_number')).toHaveLength(3);
    expect(await tablesOf()).toEqual(['rej__movies__load', 'stg__movies__load']);
  });

  it.each([['../../etc/passwd'], ['escape.csv']])('refuses the file %s and changes nothing', async (path) => {
    const before = await rowsOf('stg__movies__load');
    await expect(runIngestStep(job(fileStep(path)), context())).rejects.toThrow(IngestInputError);
    expect(await rowsOf('stg__movies__load')).toEqual(before);
    expect(await tablesOf()).toEqual(['rej__movies__load', 'stg__movies__load']);
  });

  it('keeps the previous table when a load fails halfway, and leaves no loading table behind', async () => {
    await writeFile(join(root, tenantId, 'broken.json'), `[${'{"title":"ok","year":1,"released":"2000-01-01","watched":true},'.repeat(2000)} {"title": `);
    const before = await rowsOf('stg__movies__load');
    await expect(runIngestStep(job(fileStep('broken.json', 'json')), context())).rejects.toThrow(/malformed after row 2000/);
    expect(await rowsOf('stg__movies__load')).toEqual(before);
    expect(await tablesOf()).toEqual(['rej__movies__load', 'stg__movies__load']);
  });

  it('loads NDJSON with timestamps and JSON values, rejecting a bad line without stopping', async () => {
    const lines = [
      '{"id": 1, "at": "2024-03-01T12:30:00+02:00", "payload": {"a": [1, "x"]}}',
      '{"id": 2, "at": "2024-03-01 00:00:00Z", "payload": "plain"}',
      '{"id": 3, "at": "not a time"}',
      '{"id": 4, "at": ',
      '{"id": 5, "at": "2024-03-02", "payload": null}',
    ];
    await writeFile(join(root, tenantId, 'events.ndjson'), lines.join('\n'));
    const columns = [
      { name: 'id', type: 'bigint' },
      { name: 'at', type: 'timestamptz' },
      { name: 'payload', type: 'jsonb', nullable: true },
    ];
    const result = await runIngestStep(job(fileStep('events.ndjson', 'ndjson', columns), 'events'), context());
    expect(result).toMatchObject({ rowsIn: 5, rowsOut: 3, rejected: 2 });
    const rows = await pool.query(`SELECT id::int, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') AS at, payload FROM "${schema}"."stg__movies__events" ORDER BY id`);
    expect(rows.rows).toEqual([
      { id: 1, at: '2024-03-01 10:30', payload: { a: [1, 'x'] } },
      { id: 2, at: '2024-03-01 00:00', payload: 'plain' },
      { id: 5, at: '2024-03-02 00:00', payload: null },
    ]);
    const rejects = await pool.query(`SELECT row_number::int AS n, reason FROM "${schema}"."rej__movies__events" ORDER BY 1`);
    expect(rejects.rows).toEqual([
      { n: 3, reason: expect.stringMatching(/^column at: "not a time" is not a timestamp/) },
      { n: 4, reason: expect.stringMatching(/^the line is not valid JSON/) },
    ]);
  });

  it("loads a crawl task's pages, columns from extracted data or page fields", async () => {
    const page = (n: number) => ({ url: `https://example.org/${n}`, finalUrl: `https://example.org/${n}`, status: 200, fetchedAt: '2024-03-01T00:00:00.000Z', contentType: 'text/html', bytes: n * 10, title: `T${n}`, data: { price: `${n}.50` } });
    pages = [
      { pages: [page(1), page(2)], nextCursor: '1' },
      { pages: [page(3), { ...page(4), data: { price: 'free' } }], nextCursor: '' },
    ];
    const columns = [
      { name: 'url', type: 'text' },
      { name: 'price', type: 'numeric' },
      { name: 'bytes', type: 'integer' },
      { name: 'fetched_at', type: 'timestamptz' },
    ];
    const result = await runIngestStep(job({ source: { type: 'scrape', taskId: randomUUID() }, columns }, 'pages'), context());
    expect(result).toMatchObject({ rowsIn: 4, rowsOut: 3, rejected: 1 });
    const rows = await pool.query(`SELECT url, price::text, bytes FROM "${schema}"."stg__movies__pages" ORDER BY url`);
    expect(rows.rows).toEqual([
      { url: 'https://example.org/1', price: '1.50', bytes: 10 },
      { url: 'https://example.org/2', price: '2.50', bytes: 20 },
      { url: 'https://example.org/3', price: '3.50', bytes: 30 },
    ]);
  });

  it('refuses a step definition that is not a valid ingest step, naming the field', async () => {
    await expect(runIngestStep(job({ source: { type: 'file', path: 'movies.csv', format: 'xml' }, columns: COLUMNS }), context())).rejects.toThrow(
      /not a valid ingest step \(source\.format: /,
    );
  });

  it('lets only one load of a step run at a time; the other is refused for a later retry', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let started!: () => void;
    const holding = new Promise<void>((resolve) => (started = resolve));
    pages = [{ pages: [], nextCursor: '' }];
    const slowContext: IngestContext = {
      ...context(),
      listPages: async () => {
        started();
        await gate;
        return { pages: [], nextCursor: '' };
      },
    };
    const step = { source: { type: 'scrape', taskId: randomUUID() }, columns: [{ name: 'url', type: 'text' }] };
    const first = runIngestStep(job(step, 'busy'), slowContext);
    await holding;
    await expect(runIngestStep(job(step, 'busy'), context())).rejects.toBeInstanceOf(StagingBusyError);
    release();
    await expect(first).resolves.toMatchObject({ rowsIn: 0, rowsOut: 0 });
  });
});
