'use strict';

const { randomUUID } = require('node:crypto');
const pg = require('pg');
const { PrismaPg } = require('@prisma/adapter-pg');
const { withDatabase, createDatabase, dropDatabase, emptyDatabase } = require('./postgres-database');

const PG_CHAR_OID = 18;
const PG_TEXT_OID = 25;

/**
 * The engine's catalog queries return PostgreSQL's internal one-byte `"char"` type (pg_class.relkind
 * and friends), which adapter-pg refuses as an unsupported column type; its values are plain strings.
 */
function reportCharAsText(result) {
  for (const one of Array.isArray(result) ? result : [result]) {
    for (const field of one?.fields ?? []) {
      if (field.dataTypeID === PG_CHAR_OID) field.dataTypeID = PG_TEXT_OID;
    }
  }
  return result;
}

/** A pg client whose results report `"char"` columns as text; used by the migration process only. */
class CatalogClient extends pg.Client {
  query(config, values, callback) {
    if (typeof values === 'function') return this.query(config, undefined, values);
    if (config !== null && typeof config === 'object' && typeof config.submit === 'function') {
      return super.query(config, values, callback);
    }
    if (typeof callback === 'function') {
      return super.query(config, values, (error, result) => callback(error, result && reportCharAsText(result)));
    }
    return super.query(config, values).then(reportCharAsText);
  }
}

/**
 * adapter-pg splits scripts on every `;`, which breaks migrations with semicolons inside strings,
 * comments or function bodies. PostgreSQL's simple query protocol runs a whole script in one
 * implicit transaction, which is what the native engine does too.
 */
function runScriptsWhole(adapter) {
  const pool = adapter.underlyingDriver();
  adapter.executeScript = async (script) => {
    try {
      await pool.query(script);
    } catch (error) {
      adapter.onError(error);
    }
  };
  return adapter;
}

/** adapter-pg's factory, fixed for migrations: catalog types, whole scripts and a real shadow database. */
class MigrationAdapterFactory extends PrismaPg {
  #url;
  #shadowDatabaseUrl;
  /** Shadow databases created and not yet dropped, so an interrupted run can still clean up. */
  #liveShadowDatabases = new Set();

  constructor({ url, shadowDatabaseUrl }) {
    super({ connectionString: url, Client: CatalogClient });
    this.#url = url;
    this.#shadowDatabaseUrl = shadowDatabaseUrl;
  }

  async connect() {
    if (!this.#url) throw new Error('The datasource has no url; set datasource.url in prisma.config.ts.');
    return runScriptsWhole(await super.connect());
  }

  /**
   * adapter-pg's own version drops the shadow database before closing its pool and, with a
   * connection string, ignores the database override, so its "shadow" is the main database.
   */
  async connectToShadowDb() {
    if (this.#shadowDatabaseUrl) {
      // The native engine empties a configured shadow database before use; the wasm engine does not.
      await emptyDatabase(this.#shadowDatabaseUrl);
      return connectTo(this.#shadowDatabaseUrl);
    }
    if (!this.#url) throw new Error('The datasource has no url; set datasource.url in prisma.config.ts.');
    const shadowUrl = withDatabase(this.#url, `prisma_migrate_shadow_db_${randomUUID()}`);
    await createDatabase(shadowUrl);
    this.#liveShadowDatabases.add(shadowUrl);
    let adapter;
    try {
      adapter = await connectTo(shadowUrl);
    } catch (error) {
      await this.#dropShadow(shadowUrl);
      throw error;
    }
    const dispose = adapter.dispose.bind(adapter);
    adapter.dispose = async () => {
      try {
        await dispose();
      } finally {
        await this.#dropShadow(shadowUrl);
      }
    };
    return adapter;
  }

  async dropLiveShadowDatabases() {
    await Promise.allSettled([...this.#liveShadowDatabases].map((url) => this.#dropShadow(url)));
  }

  async #dropShadow(shadowUrl) {
    await dropDatabase(shadowUrl);
    this.#liveShadowDatabases.delete(shadowUrl);
  }
}

async function connectTo(url) {
  return runScriptsWhole(await new PrismaPg({ connectionString: url, Client: CatalogClient }).connect());
}

module.exports = { MigrationAdapterFactory, reportCharAsText, PG_CHAR_OID, PG_TEXT_OID };
