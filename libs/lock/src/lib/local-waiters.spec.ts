import { LocalWaiters } from './local-waiters';

describe('LocalWaiters', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('wakes the longest-waiting waiter of that name only', async () => {
    const waiters = new LocalWaiters();
    const woken: string[] = [];
    const first = waiters.wait('a', 10_000).then(() => woken.push('first'));
    const second = waiters.wait('a', 10_000).then(() => woken.push('second'));
    const other = waiters.wait('b', 10_000).then(() => woken.push('other'));
    waiters.wakeOne('a');
    await first;
    expect(woken).toEqual(['first']);
    expect(waiters.count('a')).toBe(1);
    expect(waiters.count('b')).toBe(1);
    jest.advanceTimersByTime(10_000);
    await Promise.all([second, other]);
    expect(waiters.count('a')).toBe(0);
    expect(waiters.count('b')).toBe(0);
  });

  it('resolves when the time is up and leaves no timer behind', async () => {
    const waiters = new LocalWaiters();
    const done = waiters.wait('a', 500);
    jest.advanceTimersByTime(500);
    await done;
    expect(jest.getTimerCount()).toBe(0);
    expect(waiters.count('a')).toBe(0);
  });

  it('resolves at once when the signal aborts, and cleans up', async () => {
    const waiters = new LocalWaiters();
    const controller = new AbortController();
    const done = waiters.wait('a', 60_000, controller.signal);
    controller.abort();
    await done;
    expect(jest.getTimerCount()).toBe(0);
    expect(waiters.count('a')).toBe(0);
    await waiters.wait('a', 60_000, controller.signal); // already aborted: no wait at all
  });

  it('does nothing when nobody waits', () => {
    expect(() => new LocalWaiters().wakeOne('nobody')).not.toThrow();
  });
});
