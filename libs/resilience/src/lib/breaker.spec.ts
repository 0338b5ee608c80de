import { InvalidArgumentError } from '@sluice/contracts';
import { eventually } from '@sluice/testing';
import { Registry } from 'prom-client';
import { readBreakerMetric, trackTimers } from '../testing';
import type { Breaker } from './breaker';
import type { BreakerLogger } from './breaker-logger';
import type { BreakerOptions } from './breaker-options';
import { BreakerRegistry } from './breaker-registry';
import { BreakerShutDownError, CircuitOpenError, TimeoutError } from './resilience-errors';

const down = () => Object.assign(new Error('dependency down'), { transient: true });

describe('Breaker', () => {
  let metrics: Registry;
  let breakers: BreakerRegistry;
  let logged: { level: 'warn' | 'info'; fields: Record<string, unknown>; message: string }[];

  beforeEach(() => {
    metrics = new Registry();
    logged = [];
    const logger: BreakerLogger = {
      warn: (fields, message) => logged.push({ level: 'warn', fields, message }),
      info: (fields, message) => logged.push({ level: 'info', fields, message }),
    };
    breakers = new BreakerRegistry({ metricsRegistry: metrics, logger });
  });

  afterEach(() => breakers.shutdown());

  /** A breaker around a counted dependency whose next answers the test decides. */
  function counted(name: string, options: BreakerOptions = {}) {
    const breaker = breakers.create(name, { volumeThreshold: 4, errorThresholdPercentage: 50, resetTimeoutMs: 250, ...options });
    const dependency = { calls: 0, fail: false };
    const call = () =>
      breaker.execute(async () => {
        dependency.calls++;
        if (dependency.fail) throw down();
        return 'ok';
      });
    return { breaker, dependency, call };
  }

  const calls = (breaker: string, outcome: string) => readBreakerMetric(metrics, 'sluice_circuit_breaker_calls_total', { breaker, outcome });
  const state = (breaker: string) => readBreakerMetric(metrics, 'sluice_circuit_breaker_state', { breaker });
  const transitions = (breaker: string, from: string, to: string) =>
    readBreakerMetric(metrics, 'sluice_circuit_breaker_transitions_total', { breaker, from, to });

  async function openIt(call: () => Promise<string>, dependency: { fail: boolean }, failures = 4) {
    dependency.fail = true;
    for (let i = 0; i < failures; i++) await expect(call()).rejects.toThrow('dependency down');
  }

  it('stays closed below the volume threshold, then opens once it is reached with the error percentage exceeded', async () => {
    const { breaker, dependency, call } = counted('dep');
    dependency.fail = true;
    for (let i = 0; i < 3; i++) await expect(call()).rejects.toThrow('dependency down');
    expect(breaker.state).toBe('closed');
    await expect(call()).rejects.toThrow('dependency down');
    expect(breaker.state).toBe('open');
    expect(dependency.calls).toBe(4);
  });

  it('does not open while the error percentage stays at or under the threshold', async () => {
    const { breaker, dependency, call } = counted('dep');
    for (let i = 0; i < 6; i++) await call();
    await openIt(call, dependency, 4);
    expect(breaker.state).toBe('closed');
  });

  it('with the defaults, one failure of a quiet dependency does not open the breaker', async () => {
    const breaker = breakers.create('quiet');
    await expect(breaker.execute(async () => Promise.reject(down()))).rejects.toThrow('dependency down');
    expect(breaker.state).toBe('closed');
    await expect(breaker.execute(async () => 'fine')).resolves.toBe('fine');
  });

  it('rejects fast with CircuitOpenError while open, without calling the dependency', async () => {
    const { dependency, call } = counted('dep', { resetTimeoutMs: 10_000 });
    await openIt(call, dependency);
    dependency.fail = false;
    for (let i = 0; i < 5; i++) {
      const error = await call().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CircuitOpenError);
      expect(error).toMatchObject({ code: 'UNAVAILABLE', breaker: 'dep' });
      const { retryAfterMs } = error as CircuitOpenError;
      expect(retryAfterMs).toBeGreaterThan(0);
      expect(retryAfterMs).toBeLessThanOrEqual(10_000);
    }
    expect(dependency.calls).toBe(4);
    expect(await calls('dep', 'rejected')).toBe(5);
  });

  it('half-opens after the reset time and closes on a successful trial call', async () => {
    const { breaker, dependency, call } = counted('dep');
    await openIt(call, dependency);
    await eventually(() => breaker.state, (s) => s === 'half-open', 2_000, 10);
    dependency.fail = false;
    await expect(call()).resolves.toBe('ok');
    expect(breaker.state).toBe('closed');
    await expect(call()).resolves.toBe('ok');
    expect(dependency.calls).toBe(6);
  });

  it('re-opens when the trial call fails, and half-opens again after another reset time', async () => {
    const { breaker, dependency, call } = counted('dep');
    await openIt(call, dependency);
    await eventually(() => breaker.state, (s) => s === 'half-open', 2_000, 10);
    await expect(call()).rejects.toThrow('dependency down');
    expect(breaker.state).toBe('open');
    await expect(call()).rejects.toBeInstanceOf(CircuitOpenError);
    expect(dependency.calls).toBe(5);
    await eventually(() => breaker.state, (s) => s === 'half-open', 2_000, 10);
  });

  it('lets only one trial call through while half-open', async () => {
    const breaker = breakers.create('trial', { volumeThreshold: 1, resetTimeoutMs: 30 });
    await expect(breaker.execute(async () => Promise.reject(down()))).rejects.toThrow();
    await eventually(() => breaker.state, (s) => s === 'half-open', 2_000, 10);
    let release = () => undefined as void;
    let trialCalls = 0;
    const trial = breaker.execute(async () => {
      trialCalls++;
      await new Promise<void>((r) => (release = r));
      return 'trial';
    });
    const others = await Promise.allSettled([1, 2, 3].map(() => breaker.execute(async () => 'other')));
    expect(others.map((o) => (o.status === 'rejected' ? o.reason : o.value))).toEqual([expect.any(CircuitOpenError), expect.any(CircuitOpenError), expect.any(CircuitOpenError)]);
    expect((others[0] as PromiseRejectedResult).reason.retryAfterMs).toBeUndefined();
    release();
    await expect(trial).resolves.toBe('trial');
    expect(trialCalls).toBe(1);
    expect(breaker.state).toBe('closed');
  });

  it('does not count errors excluded by the default errorFilter, and passes them through unchanged', async () => {
    const breaker = breakers.create('validating', { volumeThreshold: 2 });
    for (let i = 0; i < 10; i++) {
      await expect(breaker.execute(async () => Promise.reject(new InvalidArgumentError('bad id')))).rejects.toBeInstanceOf(InvalidArgumentError);
    }
    expect(breaker.state).toBe('closed');
    expect(await calls('validating', 'ignored')).toBe(10);
    expect(await calls('validating', 'failure')).toBe(0);
  });

  it('does not count errors a custom errorFilter excludes, and counts the others', async () => {
    const breaker = breakers.create('http', { volumeThreshold: 2, errorFilter: (e) => e instanceof Error && e.message === 'HTTP 404' });
    for (let i = 0; i < 5; i++) await expect(breaker.execute(async () => Promise.reject(new Error('HTTP 404')))).rejects.toThrow('HTTP 404');
    expect(breaker.state).toBe('closed');
    for (let i = 0; i < 6; i++) await expect(breaker.execute(async () => Promise.reject(new Error('HTTP 502')))).rejects.toThrow();
    expect(breaker.state).toBe('open');
  });

  it('times a call out: aborts its signal, rejects with TimeoutError and counts it against the dependency', async () => {
    const breaker = breakers.create('slow', { timeoutMs: 20, volumeThreshold: 2 });
    const signals: AbortSignal[] = [];
    const hang = (signal: AbortSignal) => {
      signals.push(signal);
      return new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
    };
    await expect(breaker.execute(hang)).rejects.toBeInstanceOf(TimeoutError);
    await expect(breaker.execute(hang)).rejects.toBeInstanceOf(TimeoutError);
    expect(signals.every((s) => s.aborted)).toBe(true);
    expect(breaker.state).toBe('open');
    expect(await calls('slow', 'timeout')).toBe(2);
  });

  it('does not count a call the caller aborted', async () => {
    const breaker = breakers.create('cancelled', { volumeThreshold: 1 });
    const controller = new AbortController();
    const reason = new Error('client left');
    const result = breaker.execute((signal) => new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason))), {
      signal: controller.signal,
    });
    controller.abort(reason);
    await expect(result).rejects.toBe(reason);
    expect(breaker.state).toBe('closed');
    expect(await calls('cancelled', 'ignored')).toBe(1);
  });

  it('answers with the fallback on failure and while open, giving it the CircuitOpenError', async () => {
    const { dependency, call } = counted('dep', { resetTimeoutMs: 10_000 });
    await openIt(call, dependency);
    const breaker = breakers.get('dep') as Breaker;
    const seen: unknown[] = [];
    const value = await breaker.execute(async () => 'live', { fallback: (error) => (seen.push(error), 'cached') });
    expect(value).toBe('cached');
    expect(seen[0]).toBeInstanceOf(CircuitOpenError);
    expect(await calls('dep', 'fallback')).toBe(1);
    expect(await calls('dep', 'rejected')).toBe(0);
  });

  it('reports every transition and outcome in the metrics registry', async () => {
    const { breaker, dependency, call } = counted('dep');
    expect(await state('dep')).toBe(0);
    await call();
    // 1 success and 3 failures: 4 calls (the volume threshold), 75 % failed.
    await openIt(call, dependency, 3);
    expect(await state('dep')).toBe(2);
    expect(await transitions('dep', 'closed', 'open')).toBe(1);
    await expect(call()).rejects.toBeInstanceOf(CircuitOpenError);
    await eventually(() => breaker.state, (s) => s === 'half-open', 2_000, 10);
    expect(await state('dep')).toBe(1);
    expect(await transitions('dep', 'open', 'half-open')).toBe(1);
    await expect(call()).rejects.toThrow('dependency down');
    expect(await transitions('dep', 'half-open', 'open')).toBe(1);
    await eventually(() => breaker.state, (s) => s === 'half-open', 2_000, 10);
    dependency.fail = false;
    await call();
    expect(await state('dep')).toBe(0);
    expect(await transitions('dep', 'open', 'half-open')).toBe(2);
    expect(await transitions('dep', 'half-open', 'closed')).toBe(1);
    expect({
      success: await calls('dep', 'success'),
      failure: await calls('dep', 'failure'),
      rejected: await calls('dep', 'rejected'),
      timeout: await calls('dep', 'timeout'),
      ignored: await calls('dep', 'ignored'),
      fallback: await calls('dep', 'fallback'),
    }).toEqual({ success: 2, failure: 4, rejected: 1, timeout: 0, ignored: 0, fallback: 0 });
    const exposition = await metrics.metrics();
    expect(exposition).toContain('sluice_circuit_breaker_state{breaker="dep"} 0');
  });

  it('logs a warning when it opens and info when it half-opens and closes', async () => {
    const { breaker, dependency, call } = counted('dep');
    await openIt(call, dependency);
    await eventually(() => breaker.state, (s) => s === 'half-open', 2_000, 10);
    dependency.fail = false;
    await call();
    expect(logged.map((l) => [l.level, l.fields['breaker'], l.fields['to']])).toEqual([
      ['warn', 'dep', 'open'],
      ['info', 'dep', 'half-open'],
      ['info', 'dep', 'closed'],
    ]);
    expect(logged[0].fields).toMatchObject({ windowFailures: 4, windowCalls: 4, resetTimeoutMs: 250 });
  });

  it('refuses calls after shutdown and leaves no reset timer behind', async () => {
    const timers = trackTimers();
    try {
      const { breaker, dependency, call } = counted('dep', { resetTimeoutMs: 60_000 });
      await openIt(call, dependency);
      breaker.shutdown();
      await expect(call()).rejects.toBeInstanceOf(BreakerShutDownError);
      expect(dependency.calls).toBe(4);
    } finally {
      timers.restore();
    }
    expect(timers.pending).toBe(0);
  });
});
