import { Registry } from 'prom-client';
import { readBreakerMetric } from '../testing';
import { BreakerRegistry } from './breaker-registry';
import { CircuitOpenError, TimeoutError } from './resilience-errors';
import { resilientCall } from './resilient-call';

const down = () => Object.assign(new Error('dependency down'), { transient: true });
const hang = (signal: AbortSignal) => new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));

describe('resilientCall', () => {
  let metrics: Registry;
  let breakers: BreakerRegistry;
  beforeEach(() => {
    metrics = new Registry();
    breakers = new BreakerRegistry({ metricsRegistry: metrics });
  });
  afterEach(() => breakers.shutdown());
  const calls = (breaker: string, outcome: string) => readBreakerMetric(metrics, 'sluice_circuit_breaker_calls_total', { breaker, outcome });

  it('retries through the breaker, which sees every attempt', async () => {
    const breaker = breakers.create('dep');
    let attempts = 0;
    const value = await resilientCall(
      async () => {
        if (++attempts < 3) throw down();
        return 'ok';
      },
      { breaker, retry: { maxAttempts: 5, baseDelayMs: 1 } },
    );
    expect(value).toBe('ok');
    expect(await calls('dep', 'failure')).toBe(2);
    expect(await calls('dep', 'success')).toBe(1);
  });

  it('stops at once when the breaker opens and its reset is further away than retry may wait', async () => {
    const breaker = breakers.create('dep', { volumeThreshold: 2, resetTimeoutMs: 30_000 });
    let attempts = 0;
    const started = Date.now();
    const error = await resilientCall(
      async () => {
        attempts++;
        throw down();
      },
      { breaker, retry: { maxAttempts: 10, baseDelayMs: 1, maxDelayMs: 5 } },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CircuitOpenError);
    expect(attempts).toBe(2);
    expect(await calls('dep', 'rejected')).toBe(1);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('gives each attempt its own time limit and retries a timed-out attempt', async () => {
    const breaker = breakers.create('dep');
    let attempts = 0;
    const value = await resilientCall(
      async (signal) => {
        if (++attempts === 1) return hang(signal);
        return 'second';
      },
      { breaker, timeoutMs: 20, retry: { baseDelayMs: 1 } },
    );
    expect(value).toBe('second');
    expect(await calls('dep', 'timeout')).toBe(1);
  });

  it('without a breaker, still times out and retries', async () => {
    let attempts = 0;
    await expect(
      resilientCall(
        async (signal) => {
          attempts++;
          return hang(signal);
        },
        { timeoutMs: 10, retry: { maxAttempts: 3, baseDelayMs: 1 } },
      ),
    ).rejects.toBeInstanceOf(TimeoutError);
    expect(attempts).toBe(3);
  });

  it('without retry options, makes one attempt', async () => {
    const breaker = breakers.create('dep');
    let attempts = 0;
    await expect(
      resilientCall(
        async () => {
          attempts++;
          throw down();
        },
        { breaker },
      ),
    ).rejects.toThrow('dependency down');
    expect(attempts).toBe(1);
  });

  it('rejects (does not throw) with the reason of an already-aborted signal, without calling the work', async () => {
    const work = jest.fn(async () => 'x');
    const reason = new Error('gone');
    const result = resilientCall(work, { signal: AbortSignal.abort(reason) });
    await expect(result).rejects.toBe(reason);
    expect(work).not.toHaveBeenCalled();
  });

  it('stops when the caller aborts', async () => {
    const controller = new AbortController();
    const reason = new Error('client left');
    const result = resilientCall(hang, { signal: controller.signal, timeoutMs: 60_000, retry: { maxAttempts: 5 } });
    controller.abort(reason);
    await expect(result).rejects.toBe(reason);
  });
});
