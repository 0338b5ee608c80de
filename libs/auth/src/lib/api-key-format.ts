import { randomSecret } from './secret-tokens';

// slk_<12 chars public prefix>_<43 chars secret>: the prefix finds the row, the whole key is verified
// against its keyed hash. The recognisable `slk_` start lets secret scanners spot leaked keys.
const FORMAT = /^slk_([A-Za-z0-9_-]{12})_([A-Za-z0-9_-]{43})$/;

export interface ParsedApiKey {
  readonly prefix: string;
  readonly key: string;
}

export function generateApiKey(): ParsedApiKey {
  const prefix = randomSecret(9);
  const key = `slk_${prefix}_${randomSecret(32)}`;
  return { prefix, key };
}

export function parseApiKey(presented: string): ParsedApiKey | undefined {
  const match = FORMAT.exec(presented);
  return match ? { prefix: match[1], key: presented } : undefined;
}
