import { randomBytes } from 'node:crypto';

/** A Redis key prefix of its own for one test: `sluice-test-<hex>`. */
export const uniquePrefix = (label = 'test') => `sluice-${label}-${randomBytes(5).toString('hex')}`;
