import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** The platform version, from the repository's package.json (the same for every service). */
export function readServiceVersion(): string {
  const file = resolve(__dirname, '../../../../package.json');
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}
