import { ConfigError } from './load-config';
import { loadServiceConfig } from './services';

const env = {
  SLUICE_INTERNAL_TOKEN: 'k3J9x2Qp7Lm4Vt8Zr1Wn6Yb5Hc0Ds2Fg9Aq',
  DATABASE_URL: 'postgresql://u:p@127.0.0.1:5432/db',
  REDIS_URL: 'redis://127.0.0.1:6379',
  NATS_URL: 'nats://127.0.0.1:4222',
};

describe('scraper configuration', () => {
  it('has polite defaults and no private address allowed', () => {
    expect(loadServiceConfig('scraper', env).scraper).toEqual({
      fetchAllowlist: [],
      contactUrl: undefined,
      concurrency: 16,
      jobsPerReplica: 2,
      hostRequestsPerSecond: 2,
      hostConcurrency: 2,
    });
  });

  it('reads the allowlist, contact URL and limits, and gives the gateway the same allowlist', () => {
    const custom = { ...env, SCRAPER_FETCH_ALLOWLIST: '127.0.0.1/32, ::1/128', SCRAPER_CONTACT_URL: 'https://ops.example.org/bot', SCRAPER_HOST_RPS: '0.5' };
    const config = loadServiceConfig('scraper', custom);
    expect(config.scraper).toMatchObject({ fetchAllowlist: ['127.0.0.1/32', '::1/128'], contactUrl: 'https://ops.example.org/bot', hostRequestsPerSecond: 0.5 });
    expect(loadServiceConfig('gateway', { ...custom, SLUICE_JWT_KEYS: 'k1:Zx8Kp2Lm9Qr4Tv7Wy1Bn5Cd3Fg6Hj0As', SLUICE_API_KEY_PEPPER: 'Pq9Wm2Xr7Lk4Tz8Vn1Bc6Hd3Fs5Gj0Ay' }).scrapeTargetAllowlist).toEqual([
      '127.0.0.1/32',
      '::1/128',
    ]);
  });

  it('names a bad allowlist entry and a bad contact URL', () => {
    try {
      loadServiceConfig('scraper', { ...env, SCRAPER_FETCH_ALLOWLIST: '127.0.0.1', SCRAPER_CONTACT_URL: 'mailto:me@example.org', SCRAPER_CONCURRENCY: '0' });
      throw new Error('expected a ConfigError');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems.map((p) => p.variable).sort()).toEqual(['SCRAPER_CONCURRENCY', 'SCRAPER_CONTACT_URL', 'SCRAPER_FETCH_ALLOWLIST']);
    }
  });
});
