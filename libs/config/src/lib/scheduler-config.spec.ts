import { ConfigError } from './load-config';
import { loadServiceConfig } from './services';

const base = {
  SLUICE_INTERNAL_TOKEN: 'k3J9x2Qp7Lm4Vt8Zr1Wn6Yb5Hc0Ds2Fg9Aq',
  DATABASE_URL: 'postgresql://u:p@127.0.0.1:5432/db',
  REDIS_URL: 'redis://127.0.0.1:6379',
  NATS_URL: 'nats://127.0.0.1:4222',
};

describe('scheduler configuration', () => {
  it('starts pipeline runs at the orchestrator default address, or the one given', () => {
    expect(loadServiceConfig('scheduler', base).scheduler).toEqual({ orchestratorAddress: '127.0.0.1:50054' });
    expect(loadServiceConfig('scheduler', { ...base, ORCHESTRATOR_GRPC_ADDR: 'orchestrator:50054' }).scheduler).toEqual({ orchestratorAddress: 'orchestrator:50054' });
    expect(loadServiceConfig('orchestrator', base).scheduler).toBeUndefined();
  });

  it('names a malformed orchestrator address', () => {
    let problems: string[] = [];
    try {
      loadServiceConfig('scheduler', { ...base, ORCHESTRATOR_GRPC_ADDR: 'no port here' });
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems = error.problems.map((p) => p.variable);
    }
    expect(problems).toEqual(['ORCHESTRATOR_GRPC_ADDR']);
  });
});
