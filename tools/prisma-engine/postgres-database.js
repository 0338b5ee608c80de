'use strict';

const pg = require('pg');

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'ECONNRESET', 'EAI_AGAIN']);

/** What a PostgreSQL connection URL names, for error messages and database commands. */
function describeUrl(url) {
  const parsed = new URL(url);
  return {
    host: parsed.hostname || 'localhost',
    port: parsed.port || '5432',
    user: decodeURIComponent(parsed.username),
    database: decodeURIComponent(parsed.pathname.replace(/^\//, '')) || decodeURIComponent(parsed.username),
  };
}

/** The same server and credentials, another database. */
function withDatabase(url, database) {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}

function quoteIdentifier(name) {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * The Prisma error code (`P1000`…) and message the CLI expects for a failed connection or database
 * command, or `{ code: undefined }` when the failure is not one it knows.
 */
function prismaErrorFor(error, url) {
  const { host, port, user, database } = describeUrl(url);
  const code = error && (error.code ?? error.cause?.code);
  if (UNREACHABLE.has(code)) {
    return { code: 'P1001', message: `Can't reach database server at \`${host}:${port}\`\n\nPlease make sure your database server is running at \`${host}:${port}\`.` };
  }
  switch (code) {
    case '28P01':
    case '28000':
      return { code: 'P1000', message: `Authentication failed against database server at \`${host}\`, the provided database credentials for \`${user}\` are not valid.` };
    case '3D000':
      return { code: 'P1003', message: `Database \`${database}\` does not exist on the database server at \`${host}:${port}\`.` };
    case '42P04':
      return { code: 'P1009', message: `Database \`${database}\` already exists on the database server at \`${host}:${port}\`` };
    case '42501':
      return { code: 'P1010', message: `User \`${user}\` was denied access on the database \`${database}\`` };
    default:
      return { code: undefined, message: error instanceof Error ? error.message : String(error) };
  }
}

async function withClient(url, work) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * Runs a statement that must not run inside the target database (CREATE/DROP DATABASE) from the
 * server's maintenance database, as the native engine does.
 */
async function runOnServer(url, sql) {
  let lastError;
  for (const maintenance of ['postgres', 'template1']) {
    try {
      return await withClient(withDatabase(url, maintenance), (client) => client.query(sql));
    } catch (error) {
      if (error.code !== '3D000') throw error;
      lastError = error;
    }
  }
  throw lastError;
}

const canConnect = (url) => withClient(url, (client) => client.query('SELECT 1'));

const createDatabase = (url) => runOnServer(url, `CREATE DATABASE ${quoteIdentifier(describeUrl(url).database)}`);

/** WITH (FORCE) ends other sessions first (PostgreSQL 13+), so a leaked pool cannot block the drop. */
const dropDatabase = (url) => runOnServer(url, `DROP DATABASE IF EXISTS ${quoteIdentifier(describeUrl(url).database)} WITH (FORCE)`);

/** Drops every schema in the database and recreates `public`, without needing CREATEDB. */
const emptyDatabase = (url) =>
  withClient(url, (client) =>
    client.query(`DO $$
      DECLARE name text;
      BEGIN
        FOR name IN SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema' LOOP
          EXECUTE format('DROP SCHEMA %I CASCADE', name);
        END LOOP;
        CREATE SCHEMA public;
      END $$`),
  );

module.exports = { describeUrl, withDatabase, quoteIdentifier, prismaErrorFor, canConnect, createDatabase, dropDatabase, emptyDatabase };
