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

  it('gives the gateway an address for every gRPC service', () => {
    const config = loadServiceConfig('gateway', { ...complete, SCRAPER_GRPC_ADDR: '10.0.0.7:6000' });
    expect(config.grpc).toBeUndefined();
    expect(config.upstreams.scraper).toBe('10.0.0.7:6000');
    expect(config.upstreams['data-quality']).toBe('127.0.0.1:50056');
    expect(Object.keys(config.upstreams)).toHaveLength(7);
  });
});
