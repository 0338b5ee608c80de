import { ConfigError } from './load-config';
import { loadServiceConfig } from './services';

const base = {
  SLUICE_INTERNAL_TOKEN: 'k3J9x2Qp7Lm4Vt8Zr1Wn6Yb5Hc0Ds2Fg9Aq',
  DATABASE_URL: 'postgresql://u:p@127.0.0.1:5432/db',
  NATS_URL: 'nats://127.0.0.1:4222',
};

const variablesOf = (env: Record<string, string>) => {
  try {
    loadServiceConfig('ingest', env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((problem) => problem.variable);
    throw error;
  }
  return [];
};

describe('ingest configuration', () => {
  it('refuses file sources by default and reads the scraper at its default address', () => {
    const config = loadServiceConfig('ingest', base);
    expect(config.ingest).toEqual({ fileRoot: undefined, httpMaxBytes: 2 ** 30, httpTimeoutMs: 600_000, httpAllowlist: [], scraperAddress: '127.0.0.1:50052' });
    expect(loadServiceConfig('transform', base).ingest).toBeUndefined();
  });

  it('reads the file root, limits, allowlist and scraper address', () => {
    const config = loadServiceConfig('ingest', {
      ...base,
      SLUICE_INGEST_FILE_ROOT: '/srv/sluice/ingest',
      SLUICE_INGEST_HTTP_MAX_BYTES: '1048576',
      SLUICE_INGEST_HTTP_TIMEOUT_MS: '5000',
      SLUICE_INGEST_HTTP_ALLOWLIST: '127.0.0.1/32, 10.0.0.0/8,::1/128',
      SCRAPER_GRPC_ADDR: 'scraper:50052',
    });
    expect(config.ingest).toEqual({
      fileRoot: '/srv/sluice/ingest',
      httpMaxBytes: 1_048_576,
      httpTimeoutMs: 5_000,
      httpAllowlist: ['127.0.0.1/32', '10.0.0.0/8', '::1/128'],
      scraperAddress: 'scraper:50052',
    });
  });

  it('names a relative file root, a bad CIDR and a limit out of range', () => {
    expect(variablesOf({ ...base, SLUICE_INGEST_FILE_ROOT: 'data/ingest' })).toEqual(['SLUICE_INGEST_FILE_ROOT']);
    expect(variablesOf({ ...base, SLUICE_INGEST_HTTP_ALLOWLIST: '127.0.0.1/33' })).toEqual(['SLUICE_INGEST_HTTP_ALLOWLIST']);
    expect(variablesOf({ ...base, SLUICE_INGEST_HTTP_ALLOWLIST: 'localhost' })).toEqual(['SLUICE_INGEST_HTTP_ALLOWLIST']);
    expect(variablesOf({ ...base, SLUICE_INGEST_HTTP_MAX_BYTES: '10' })).toEqual(['SLUICE_INGEST_HTTP_MAX_BYTES']);
  });
});
