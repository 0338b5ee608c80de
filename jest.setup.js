require('reflect-metadata');
// Lets `npx jest` work outside `npm test`: values already in the environment win.
const { existsSync } = require('node:fs');
const envFile = require('node:path').join(__dirname, '.env');
if (existsSync(envFile)) process.loadEnvFile(envFile);
