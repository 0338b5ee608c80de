// Unit tests for the pure parts of tools/prisma-engine, the offline stand-in for Prisma's native
// schema engine. Its end-to-end behaviour is proved by migrations.int-spec.ts. They live here because
// the engine is a plain script outside any Nx project, and Jest only looks in apps/ and libs/.
/* eslint-disable @nx/enforce-module-boundaries -- tools/prisma-engine is a script, not a project */
import { PassThrough } from 'node:stream';
import { parseArguments, UsageError } from '../../../../tools/prisma-engine/arguments';
import { PG_CHAR_OID, PG_TEXT_OID, reportCharAsText } from '../../../../tools/prisma-engine/migration-adapter';
import { describeUrl, prismaErrorFor, quoteIdentifier, withDatabase } from '../../../../tools/prisma-engine/postgres-database';
import { EnginePanic, serveJsonRpc, toRpcError, type Handler } from '../../../../tools/prisma-engine/rpc-server';

const URL = 'postgresql://sluice:s3cret@db.internal:6543/sluice?schema=public';

describe('schema engine arguments', () => {
  it('reads the datamodels and datasource the CLI starts the engine with', () => {
    const args = parseArguments([
      '--datamodels', 'prisma/schema.prisma',
      '--datamodels', 'prisma/more.prisma',
      '--datasource', JSON.stringify({ url: URL, shadowDatabaseUrl: null }),
      '--enabled-preview-features', 'views',
    ]);
    expect(args).toEqual({
      version: false,
      datamodels: ['prisma/schema.prisma', 'prisma/more.prisma'],
      datasource: { url: URL, shadowDatabaseUrl: undefined },
      cliCommand: undefined,
    });
  });

  it('reads a cli sub-command', () => {
    expect(parseArguments(['--datasource', `{"url":"${URL}"}`, 'cli', 'create-database']).cliCommand).toBe('create-database');
  });

  it('reads --version', () => {
    expect(parseArguments(['--version']).version).toBe(true);
  });

  it.each([
    [['--bogus']],
    [['--datamodels']],
    [['--datasource', 'not json']],
    [['--datasource', '{"url":5}']],
    [['cli', 'format-disk']],
  ])('refuses %j', (argv) => {
    expect(() => parseArguments(argv)).toThrow(UsageError);
  });
});

describe('reportCharAsText', () => {
  it('reports PostgreSQL\'s internal "char" columns as text and leaves others alone', () => {
    const result = reportCharAsText({ fields: [{ dataTypeID: PG_CHAR_OID }, { dataTypeID: 23 }] });
    expect(result.fields?.map((f) => f.dataTypeID)).toEqual([PG_TEXT_OID, 23]);
  });

  it('handles the array of results a multi-statement query returns', () => {
    const results = reportCharAsText([{ fields: [{ dataTypeID: PG_CHAR_OID }] }, {}]);
    expect(results[0].fields?.[0].dataTypeID).toBe(PG_TEXT_OID);
  });
});

describe('PostgreSQL URLs', () => {
  it('swaps the database and keeps credentials, host and parameters', () => {
    expect(withDatabase(URL, 'prisma_migrate_shadow_db_1')).toBe(
      'postgresql://sluice:s3cret@db.internal:6543/prisma_migrate_shadow_db_1?schema=public',
    );
  });

  it('describes host, port, user and database', () => {
    expect(describeUrl(URL)).toEqual({ host: 'db.internal', port: '6543', user: 'sluice', database: 'sluice' });
    expect(describeUrl('postgresql://me@localhost')).toMatchObject({ port: '5432', database: 'me' });
  });

  it('quotes identifiers', () => {
    expect(quoteIdentifier('we"ird')).toBe('"we""ird"');
  });
});

describe('prismaErrorFor', () => {
  it.each([
    [{ code: 'ECONNREFUSED' }, 'P1001', 'db.internal:6543'],
    [{ code: '28P01' }, 'P1000', '`sluice`'],
    [{ code: '3D000' }, 'P1003', 'Database `sluice` does not exist'],
    [{ code: '42P04' }, 'P1009', 'already exists'],
  ])('maps %j to %s', (error, code, text) => {
    const mapped = prismaErrorFor(error, URL);
    expect(mapped.code).toBe(code);
    expect(mapped.message).toContain(text);
    expect(mapped.message).not.toContain('s3cret');
  });

  it('passes other errors through without a code', () => {
    expect(prismaErrorFor(new Error('disk full'), URL)).toEqual({ code: undefined, message: 'disk full' });
  });
});

describe('toRpcError', () => {
  it('keeps the engine\'s error code and message where the CLI reads them', () => {
    const error = toRpcError({ message: 'P3006 failed', error_code: 'P3006', is_panic: false });
    expect(error.data).toMatchObject({ is_panic: false, message: 'P3006 failed', error_code: 'P3006' });
  });

  it('marks panics', () => {
    expect(toRpcError(new EnginePanic('boom')).data).toMatchObject({ is_panic: true, message: 'boom' });
  });
});

describe('serveJsonRpc', () => {
  function start(engine: object, handlers: Record<string, Handler> = {}) {
    const input = new PassThrough();
    const output = new PassThrough();
    const messages: Record<string, unknown>[] = [];
    let buffered = '';
    output.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      messages.push(...lines.map((line) => JSON.parse(line) as Record<string, unknown>));
    });
    const server = serveJsonRpc({ input, output, engine, handlers });
    const send = (message: object) => input.write(`${JSON.stringify(message)}\n`);
    const nextMessage = async (count: number) => {
      for (let i = 0; i < 200 && messages.length < count; i++) await new Promise((r) => setTimeout(r, 5));
      return messages[count - 1];
    };
    return { input, server, send, nextMessage, messages };
  }

  it('answers getDatabaseVersion from the engine\'s version method', async () => {
    const rpc = start({ version: async () => 'PostgreSQL 15' });
    rpc.send({ jsonrpc: '2.0', id: 1, method: 'getDatabaseVersion', params: {} });
    expect(await rpc.nextMessage(1)).toEqual({ jsonrpc: '2.0', id: 1, result: 'PostgreSQL 15' });
    rpc.input.end();
    await rpc.server.done;
  });

  it('sends a diff to the CLI as a print request and answers once the CLI has printed it', async () => {
    const rpc = start({ diff: async () => ({ exitCode: 2, stdout: 'CREATE TABLE x();' }) });
    rpc.send({ jsonrpc: '2.0', id: 7, method: 'diff', params: {} });
    const print = await rpc.nextMessage(1);
    expect(print).toMatchObject({ method: 'print', params: { content: 'CREATE TABLE x();' } });
    expect(rpc.messages).toHaveLength(1);
    rpc.send({ jsonrpc: '2.0', id: print.id, result: {} });
    expect(await rpc.nextMessage(2)).toEqual({ jsonrpc: '2.0', id: 7, result: { exitCode: 2, stdout: null } });
    rpc.input.end();
    await rpc.server.done;
  });

  it('runs devDiagnostic and retries once when the engine has no shadow database yet', async () => {
    const calls: string[] = [];
    let failed = false;
    const engine = {
      devDiagnostic: async () => calls.push('devDiagnostic'),
      createMigration: async () => {
        calls.push('createMigration');
        if (!failed) {
          failed = true;
          throw new Error('PostgreSQL shadow DB must be provided through an external factory');
        }
        return { generatedMigrationName: 'x' };
      },
    };
    const rpc = start(engine);
    rpc.send({ jsonrpc: '2.0', id: 1, method: 'createMigration', params: { migrationsList: {}, filters: {} } });
    expect(await rpc.nextMessage(1)).toMatchObject({ id: 1, result: { generatedMigrationName: 'x' } });
    expect(calls).toEqual(['createMigration', 'devDiagnostic', 'createMigration']);
    rpc.input.end();
    await rpc.server.done;
  });

  it('answers unknown methods with a JSON-RPC error and engine failures with the CLI\'s error shape', async () => {
    const rpc = start({
      applyMigrations: async () => {
        throw new Error('migration failed');
      },
    });
    rpc.send({ jsonrpc: '2.0', id: 1, method: 'free', params: {} });
    rpc.send({ jsonrpc: '2.0', id: 2, method: 'applyMigrations', params: {} });
    expect(await rpc.nextMessage(1)).toMatchObject({ id: 1, error: { code: -32601 } });
    expect(await rpc.nextMessage(2)).toMatchObject({ id: 2, error: { data: { is_panic: false, message: 'migration failed' } } });
    rpc.input.end();
    await rpc.server.done;
  });
});
