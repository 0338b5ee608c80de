/* eslint-disable no-restricted-properties -- the Prisma CLI reads this file, not a service; it has no @sluice/config */
import path from 'node:path';
import { defineConfig } from 'prisma/config';

// Prisma 7 would otherwise download a native schema engine on first use, which air-gapped machines
// cannot do; this program runs the same engine compiled to WebAssembly (see libs/database/README.md).
process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= path.resolve(__dirname, 'tools/prisma-engine/schema-engine.js');

const url = process.env.DATABASE_URL;

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  // `prisma generate` needs no database, so a build without DATABASE_URL still works.
  ...(url ? { datasource: { url } } : {}),
});
