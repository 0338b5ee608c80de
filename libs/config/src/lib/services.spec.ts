import { ConfigError } from './load-config';
import { loadServiceConfig } from './services';

const strongToken = 'k3J9x2Qp7Lm4Vt8Zr1Wn6Yb5Hc0Ds2Fg9Aq';
const complete = {
  SLUICE_INTERNAL_TOKEN: strongToken,
  DATABASE_URL: 'postgresql://u:p@127.0.0.1:5432/db',
  REDIS_URL: 'redis://127.0.0.1:6379',
  NATS_URL: 'nats://127.0.0.1:4222',
};

function problemsOf(fn: () => unknown) {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadServiceConfig', () => {
  it('accepts a complete environment and applies the service defaults', () => {
    const config = loadServiceConfig('scheduler', complete);
    expect(config.http).toEqual({ host: '127.0.0.1', port: 8081 });
    expect(config.grpc).toEqual({ host: '127.0.0.1', port: 50051 });
    expect(config.dependencies).toEqual(['postgres', 'redis', 'nats']);
    expect(config.telemetry.exportTraces).toBe(false);
  });

  it('names a missing secret', () => {
    const { SLUICE_INTERNAL_TOKEN: _omit, ...env } = complete;
    expect(problemsOf(() => loadServiceConfig('cache', env))).toEqual([
      { variable: 'SLUICE_INTERNAL_TOKEN', message: 'is required' },
    ]);
  });

  it('treats an empty secret as missing', () => {
    const problems = problemsOf(() => loadServiceConfig('cache', { ...complete, SLUICE_INTERNAL_TOKEN: '' }));
    expect(problems.map((p) => p.variable)).toEqual(['SLUICE_INTERNAL_TOKEN']);
  });

  it('refuses a short secret, naming the variable and the length', () => {
    const [problem] = problemsOf(() => loadServiceConfig('cache', { ...complete, SLUICE_INTERNAL_TOKEN: 'short' }));
    expect(problem.variable).toBe('SLUICE_INTERNAL_TOKEN');
    expect(problem.message).toMatch(/at least 32 characters/);
  });

  it('refuses a long placeholder secret', () => {
    const [problem] = problemsOf(() =>
      loadServiceConfig('cache', { ...complete, SLUICE_INTERNAL_TOKEN: 'changeme-changeme-changeme-changeme' }),
    );
    expect(problem.message).toMatch(/placeholder/);
  });

  it('asks only for the dependencies a service has', () => {
    const { DATABASE_URL: _omit, ...env } = complete;
    expect(loadServiceConfig('cache', env).databaseUrl).toBeUndefined();
    expect(problemsOf(() => loadServiceConfig('ingest', env)).map((p) => p.variable)).toEqual(['DATABASE_URL']);
  });

  it('refuses a URL with the wrong scheme and a bad port', () => {
    const problems = problemsOf(() =>
      loadServiceConfig('scraper', { ...complete, REDIS_URL: 'http://127.0.0.1:6379', HTTP_PORT: '70000' }),
    );
    expect(problems.map((p) => p.variable).sort()).toEqual(['HTTP_PORT', 'REDIS_URL']);
  });

  const gatewayEnv = {
    ...complete,
    SLUICE_JWT_KEYS: 'k2:Vb7nQ1xZ4mK9pL2wR8tY5uJ3hG6fD0sA, k1:Qw3eR5tY7uI9oP1aS3dF5gH7jK9lZ1xC',
    SLUICE_API_KEY_PEPPER: 'Pm4nB6vC8xZ0lK2jH4gF6dS8aQ1wE3rT',
  };

  it('reads the gateway signing keys in order, the first one signing', () => {
    const config = loadServiceConfig('gateway', gatewayEnv);
    expect(config.auth?.signingKeys.map((k) => k.kid)).toEqual(['k2', 'k1']);
    expect(config.auth?.accessTokenTtlSeconds).toBe(900);
    expect(config.auth?.corsOrigins).toEqual([]);
  });

  it('refuses a weak signing key, naming the key and the variable', () => {
    const [problem] = problemsOf(() => loadServiceConfig('gateway', { ...gatewayEnv, SLUICE_JWT_KEYS: 'k1:short' }));
    expect(problem.variable).toBe('SLUICE_JWT_KEYS');
    expect(problem.message).toMatch(/secret of key "k1" must be at least 32 characters/);
  });

  it('requires the API key pepper on the gateway only', () => {
    const { SLUICE_API_KEY_PEPPER: _omit, ...env } = gatewayEnv;
    expect(problemsOf(() => loadServiceConfig('gateway', env)).map((p) => p.variable)).toEqual(['SLUICE_API_KEY_PEPPER']);
    expect(loadServiceConfig('scheduler', env).auth).toBeUndefined();
  });

  it('gives the gateway an address for every gRPC service', () => {
    const config = loadServiceConfig('gateway', { ...gatewayEnv, SCRAPER_GRPC_ADDR: '10.0.0.7:6000' });
    expect(config.grpc).toBeUndefined();
    expect(config.upstreams.scraper).toBe('10.0.0.7:6000');
    expect(config.upstreams['data-quality']).toBe('127.0.0.1:50056');
    expect(Object.keys(config.upstreams)).toHaveLength(7);
  });
});
