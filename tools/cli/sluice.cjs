#!/usr/bin/env node
'use strict';
// The `sluice` command (package.json "bin"): runs the CLI built by `npm run build:code`.
const { join } = require('node:path');

let cli;
try {
  cli = require(join(__dirname, '..', '..', 'apps', 'cli', 'dist', 'main.js'));
} catch (error) {
  if (error && error.code === 'MODULE_NOT_FOUND' && String(error.message).includes(join('apps', 'cli', 'dist'))) {
    process.stderr.write('sluice: the CLI is not built yet; run `npm run build:code` in the Sluice repository\n');
    process.exit(1);
  }
  throw error;
}
cli.main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
