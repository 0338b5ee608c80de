import { Registry } from 'prom-client';
import { BreakerRegistry } from './breaker-registry';
import { DEFAULT_BREAKER_OPTIONS } from './breaker-options';
import { ResilienceOptionsError } from './resilience-errors';

describe('BreakerRegistry', () => {
  const registries: BreakerRegistry[] = [];
  const registry = (...args: ConstructorParameters<typeof BreakerRegistry>) => {
    const created = new BreakerRegistry(...args);
    registries.push(created);
    return created;
  };
  afterEach(() => registries.splice(0).forEach((r) => r.shutdown()));

  it('refuses names that are not short identifiers chosen by code', () => {
    const breakers = registry();
    for (const bad of ['', 'Redis', 'https://example.com/a', 'a b', 'x'.repeat(65), 'tenant"}']) {
      expect(() => breakers.create(bad)).toThrow(ResilienceOptionsError);
    }
    expect(breakers.create('scraper.grpc').name).toBe('scraper.grpc');
  });

  it('refuses a second breaker of the same name and finds the first one', () => {
    const breakers = registry();
    const redis = breakers.create('redis');
    expect(() => breakers.create('redis')).toThrow(/already exists/);
    expect(breakers.get('redis')).toBe(redis);
    expect(breakers.get('nats')).toBeUndefined();
    expect(breakers.names()).toEqual(['redis']);
  });

  it('caps the number of breakers so names built from data cannot grow the label set without bound', () => {
    const breakers = registry({ maxBreakers: 2 });
    breakers.create('a');
    breakers.create('b');
    expect(() => breakers.create('c')).toThrow(/more than 2 breakers/);
  });

  it('layers per-breaker options over the registry defaults over the library defaults', () => {
    const breakers = registry({ defaults: { resetTimeoutMs: 1_000, volumeThreshold: 3 } });
    const breaker = breakers.create('db', { volumeThreshold: 5, timeoutMs: undefined });
    expect(breaker.options).toMatchObject({ resetTimeoutMs: 1_000, volumeThreshold: 5, timeoutMs: DEFAULT_BREAKER_OPTIONS.timeoutMs, errorThresholdPercentage: 50 });
  });

  it('refuses options that cannot work', () => {
    const breakers = registry();
    expect(() => breakers.create('a', { errorThresholdPercentage: 0 })).toThrow(ResilienceOptionsError);
    expect(() => breakers.create('b', { rollingWindowMs: 1_005, rollingBuckets: 10 })).toThrow(ResilienceOptionsError);
    expect(() => breakers.create('c', { resetTimeoutMs: -1 })).toThrow(ResilienceOptionsError);
    expect(() => breakers.create('d', { timeoutMs: 0 })).toThrow(ResilienceOptionsError);
    expect(() => registry({ defaults: { volumeThreshold: 1.5 } })).toThrow(ResilienceOptionsError);
  });

  it('shares one set of metrics between registries on the same prom-client registry', async () => {
    const metrics = new Registry();
    registry({ metricsRegistry: metrics }).create('one');
    registry({ metricsRegistry: metrics }).create('two');
    const text = await metrics.metrics();
    expect(text).toContain('sluice_circuit_breaker_state{breaker="one"} 0');
    expect(text).toContain('sluice_circuit_breaker_state{breaker="two"} 0');
    expect(text).toContain('sluice_circuit_breaker_calls_total{breaker="two",outcome="rejected"} 0');
  });
});
