import { Registry } from 'prom-client';
import { SluiceError } from '@sluice/contracts';
import { CircuitOpenError } from '@sluice/resilience';
import { HostBreakers, isHostFailure } from './host-breakers';

const response = (status: number) => ({ status, body: `status ${status}` });

describe('HostBreakers', () => {
  const created: HostBreakers[] = [];
  const breakers = (options: ConstructorParameters<typeof HostBreakers>[0] = {}) => {
    const b = new HostBreakers({ ...options, breaker: { volumeThreshold: 3, resetTimeoutMs: 60_000, rollingWindowMs: 60_000, ...options.breaker } });
    created.push(b);
    return b;
  };
  afterEach(() => created.splice(0).forEach((b) => b.shutdown()));

  it('opens a host after repeated 5xx responses, returning each response, then refuses without calling', async () => {
    const hosts = breakers();
    for (let i = 0; i < 3; i++) await expect(hosts.fire('down.example', async () => response(503))).resolves.toEqual(response(503));
    expect(hosts.isOpen('down.example')).toBe(true);
    const fn = jest.fn(async () => response(200));
    await expect(hosts.fire('down.example', fn)).rejects.toBeInstanceOf(CircuitOpenError);
    expect(fn).not.toHaveBeenCalled();
  });

  it('opens on network errors thrown by the fetch, and passes the error on', async () => {
    const hosts = breakers();
    const network = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    for (let i = 0; i < 3; i++) await expect(hosts.fire('refusing.example', async () => Promise.reject(network))).rejects.toBe(network);
    expect(hosts.isOpen('refusing.example')).toBe(true);
  });

  it('never opens on 4xx responses or 4xx errors', async () => {
    const hosts = breakers();
    for (let i = 0; i < 10; i++) {
      await hosts.fire('picky.example', async () => response(404));
      await expect(hosts.fire('picky.example', async () => Promise.reject(Object.assign(new Error('gone'), { status: 410 })))).rejects.toThrow('gone');
    }
    expect(hosts.isOpen('picky.example')).toBe(false);
  });

  it('keeps hosts apart', async () => {
    const hosts = breakers();
    for (let i = 0; i < 3; i++) await hosts.fire('bad.example', async () => response(500));
    expect(hosts.isOpen('bad.example')).toBe(true);
    expect(hosts.isOpen('good.example')).toBe(false);
    await expect(hosts.fire('good.example', async () => response(200))).resolves.toEqual(response(200));
  });

  it('keeps at most maxHosts breakers, forgetting the least recently used', async () => {
    const hosts = breakers({ maxHosts: 3 });
    for (let i = 0; i < 3; i++) await hosts.fire('first.example', async () => response(502));
    expect(hosts.isOpen('first.example')).toBe(true);
    for (let i = 0; i < 50; i++) await hosts.fire(`host-${i}.example`, async () => response(200));
    expect(hosts.size).toBe(3);
    expect(hosts.isOpen('first.example')).toBe(false);
  });

  it('counts outcomes over all hosts without a host label', async () => {
    const registry = new Registry();
    const hosts = breakers({ registry });
    await hosts.fire('m.example', async () => response(200));
    await hosts.fire('m.example', async () => response(404));
    for (let i = 0; i < 3; i++) await hosts.fire('m.example', async () => response(500));
    await expect(hosts.fire('m.example', async () => response(200))).rejects.toBeInstanceOf(CircuitOpenError);
    const calls = await registry.getSingleMetric('sluice_crawl_host_breaker_calls_total')?.get();
    const byOutcome = Object.fromEntries((calls?.values ?? []).map((v) => [v.labels.outcome, v.value]));
    expect(byOutcome).toEqual({ success: 2, failure: 3, rejected: 1 });
    expect((await registry.getSingleMetric('sluice_crawl_host_breakers_open')?.get())?.values[0].value).toBe(1);
  });
});

describe('isHostFailure', () => {
  it.each([
    [response(500), true],
    [response(503), true],
    [response(404), false],
    [response(429), false],
    [response(200), false],
    [Object.assign(new Error('reset'), { code: 'ECONNRESET' }), true],
    [new SluiceError('UNAVAILABLE', 'timeout'), true],
    [new SluiceError('INVALID_ARGUMENT', 'blocked address'), false],
  ])('%#: %j → %s', (outcome, expected) => {
    expect(isHostFailure(outcome)).toBe(expected);
  });
});
