import { ConfigError } from './load-config';
import { loadServiceConfig } from './services';

const base = {
  SLUICE_INTERNAL_TOKEN: 'k3J9x2Qp7Lm4Vt8Zr1Wn6Yb5Hc0Ds2Fg9Aq',
  DATABASE_URL: 'postgresql://u:p@127.0.0.1:5432/db',
  REDIS_URL: 'redis://127.0.0.1:6379',
  NATS_URL: 'nats://127.0.0.1:4222',
};

describe('orchestrator configuration', () => {
  it('has defaults for how steps are run, for the orchestrator only', () => {
    expect(loadServiceConfig('orchestrator', base).orchestrator).toEqual({ stepConcurrency: 4, stepRetries: 2, stepTimeoutMs: 600_000, retryBackoffMs: 2_000 });
    expect(loadServiceConfig('scheduler', base).orchestrator).toBeUndefined();
  });

  it('reads the step settings and refuses bad values naming each variable', () => {
    const config = loadServiceConfig('orchestrator', { ...base, PIPELINE_STEP_CONCURRENCY: '8', PIPELINE_STEP_RETRIES: '0', PIPELINE_STEP_TIMEOUT_MS: '30000', PIPELINE_RETRY_BACKOFF_MS: '500' });
    expect(config.orchestrator).toEqual({ stepConcurrency: 8, stepRetries: 0, stepTimeoutMs: 30_000, retryBackoffMs: 500 });
    let variables: string[] = [];
    try {
      loadServiceConfig('orchestrator', { ...base, PIPELINE_STEP_CONCURRENCY: '0', PIPELINE_STEP_RETRIES: '-1', PIPELINE_STEP_TIMEOUT_MS: 'soon' });
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      variables = error.problems.map((problem) => problem.variable);
    }
    expect(variables.sort()).toEqual(['PIPELINE_STEP_CONCURRENCY', 'PIPELINE_STEP_RETRIES', 'PIPELINE_STEP_TIMEOUT_MS']);
  });
});
