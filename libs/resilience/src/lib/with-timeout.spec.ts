import { trackTimers, type TimerTracker } from '../testing';
import { ResilienceOptionsError, TimeoutError } from './resilience-errors';
import { withTimeout } from './with-timeout';

/** Work that settles only when its signal aborts, the way a well-behaved client call does. */
const untilAborted = (signal: AbortSignal) => new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }));

describe('withTimeout', () => {
  let timers: TimerTracker | undefined;
  afterEach(() => timers?.restore());

  it('resolves with the work result and leaves no timer behind', async () => {
    timers = trackTimers();
    await expect(withTimeout(async () => 'done', 60_000)).resolves.toBe('done');
    timers.restore();
    expect(timers.pending).toBe(0);
  });

  it('aborts the inner signal with a TimeoutError and rejects with it', async () => {
    timers = trackTimers();
    let inner: AbortSignal | undefined;
    const result = withTimeout((signal) => {
      inner = signal;
      return untilAborted(signal);
    }, 30);
    const error = await result.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ code: 'UNAVAILABLE', timeoutMs: 30, transient: true });
    expect(inner?.aborted).toBe(true);
    expect(inner?.reason).toBe(error);
    timers.restore();
    expect(timers.pending).toBe(0);
  });

  it('rejects on time even when the work ignores its signal', async () => {
    const never = new Promise<string>(() => undefined);
    await expect(withTimeout(() => never, 30)).rejects.toBeInstanceOf(TimeoutError);
  });

  it('passes the work error through and clears its timer', async () => {
    timers = trackTimers();
    const failure = new Error('boom');
    await expect(withTimeout(async () => Promise.reject(failure), 60_000)).rejects.toBe(failure);
    await expect(
      withTimeout(() => {
        throw failure;
      }, 60_000),
    ).rejects.toBe(failure);
    timers.restore();
    expect(timers.pending).toBe(0);
  });

  it('aborts the work with the caller reason when the caller aborts, and clears its timer', async () => {
    timers = trackTimers();
    const caller = new AbortController();
    let inner: AbortSignal | undefined;
    const result = withTimeout(
      (signal) => {
        inner = signal;
        return untilAborted(signal);
      },
      60_000,
      { signal: caller.signal },
    );
    const reason = new Error('client went away');
    caller.abort(reason);
    await expect(result).rejects.toBe(reason);
    expect(inner?.reason).toBe(reason);
    timers.restore();
    expect(timers.pending).toBe(0);
  });

  it('does not start the work when the caller signal is already aborted', async () => {
    const work = jest.fn(async () => 'x');
    const reason = new Error('gone');
    await expect(withTimeout(work, 1_000, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(work).not.toHaveBeenCalled();
  });

  it('refuses a time limit that is not a positive timer value, without starting the work', async () => {
    const work = jest.fn(async () => 1);
    for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 31]) {
      await expect(withTimeout(work, bad)).rejects.toBeInstanceOf(ResilienceOptionsError);
    }
    expect(work).not.toHaveBeenCalled();
  });
});
